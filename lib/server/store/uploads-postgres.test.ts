import { postgresStoreFixture } from "../testing/postgres-store-fixture";
import { describeUploadsContract } from "./uploads-contract";

describeUploadsContract("Postgres", postgresStoreFixture);
