import { postgresStoreFixture } from "../testing/postgres-store-fixture";
import { describeSearchContract } from "./search-contract";

describeSearchContract("Postgres", postgresStoreFixture);
