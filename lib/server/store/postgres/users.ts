import type { User } from "../../../shared/protocol";
import type { UserStore } from "../types";
import type { PostgresDatabase } from "./database";

/** Identities: their names and credential generations. */
export class PostgresUsers implements UserStore {
  constructor(private readonly database: PostgresDatabase) {}

  async create(user: User): Promise<User> {
    // Two tabs presenting the same new cookie may race to create it: the first wins, both get it.
    await this.database.query(
      "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
      [user.id, user.name],
      "write",
    );
    const stored = await this.find(user.id);
    if (!stored) throw new Error("created user was not found");
    return stored;
  }

  async find(id: string): Promise<User | null> {
    const rows = await this.database.query<User>("SELECT id, name FROM users WHERE id = $1", [id]);
    return rows[0] ?? null;
  }

  async rename(id: string, name: string): Promise<User> {
    // An identity's row is made by its first write, a rename as much as a message.
    const rows = await this.database.query<User>(
      `INSERT INTO users (id, name, created_at) VALUES ($1, $2, now())
       ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id, name`,
      [id, name],
      "write",
    );
    const user = rows[0];
    if (!user) throw new Error("renamed user was not returned");
    return user;
  }

  async findByName(prefix: string, limit: number): Promise<User[]> {
    // % and _ (and the escape itself) in the text are plain characters; the
    // order is by bytes, as SQLite's.
    const pattern = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.database.query<User>(
      `SELECT id, name FROM users WHERE lower(name) LIKE lower($1) || '%' ESCAPE '\\'
       ORDER BY lower(name) COLLATE "C", name COLLATE "C", id LIMIT $2`,
      [pattern, limit],
    );
  }

  async credentialGeneration(userId: string): Promise<number> {
    const rows = await this.database.query<{ generation: number }>(
      "SELECT generation FROM credential_generations WHERE user_id = $1",
      [userId],
    );
    return rows[0]?.generation ?? 0;
  }

  async revokeCredentials(userId: string): Promise<number> {
    const rows = await this.database.query<{ generation: number }>(
      `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES ($1, 1, now())
       ON CONFLICT (user_id) DO UPDATE SET generation = credential_generations.generation + 1, revoked_at = now()
       RETURNING generation`,
      [userId],
    );
    const generation = rows[0]?.generation;
    if (generation === undefined) throw new Error("the new credential generation was not returned");
    return generation;
  }
}
