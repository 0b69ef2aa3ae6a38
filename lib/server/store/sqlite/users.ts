import type Database from "better-sqlite3";
import type { User } from "../../../shared/protocol";
import type { UserStore } from "../types";
import type { SqliteDatabase } from "./database";

function prepare(db: Database.Database) {
  return {
    insertUser: db.prepare(
      "INSERT INTO users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
    ),
    findUser: db.prepare<[string], User>("SELECT id, name FROM users WHERE id = ?"),
    // An identity's row is made by its first write, a rename as much as a message.
    renameUser: db.prepare<[string, string, number], User>(
      `INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id, name`,
    ),
    // A range of the lower(name) index: no pattern, so % and _ in a name are
    // plain characters. SQLite's lower() folds ASCII letters only.
    findByName: db.prepare<[string, string, number], User>(
      `SELECT id, name FROM users WHERE lower(name) >= lower(?) AND lower(name) < lower(?) || char(1114111)
       ORDER BY lower(name), name, id LIMIT ?`,
    ),
    credentialGeneration: db.prepare<[string], { generation: number }>(
      "SELECT generation FROM credential_generations WHERE user_id = ?",
    ),
    revokeCredentials: db.prepare<[string, number], { generation: number }>(
      `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES (?, 1, ?)
       ON CONFLICT (user_id) DO UPDATE SET generation = generation + 1, revoked_at = excluded.revoked_at
       RETURNING generation`,
    ),
  };
}

/** Identities: their names and credential generations. */
export class SqliteUsers implements UserStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  create(user: User): Promise<User> {
    return this.database.write(() => {
      // Two tabs presenting the same new cookie may race to create it: the first wins, both get it.
      this.statements.insertUser.run(user.id, user.name, Date.now());
      const stored = this.statements.findUser.get(user.id);
      if (!stored) throw new Error("created user was not found");
      return stored;
    });
  }

  async find(id: string): Promise<User | null> {
    return this.database.read(() => this.statements.findUser.get(id) ?? null);
  }

  rename(id: string, name: string): Promise<User> {
    return this.database.write(() => {
      const user = this.statements.renameUser.get(id, name, Date.now());
      if (!user) throw new Error("renamed user was not returned");
      return user;
    });
  }

  async findByName(prefix: string, limit: number): Promise<User[]> {
    return this.database.read(() => this.statements.findByName.all(prefix, prefix, limit));
  }

  async credentialGeneration(userId: string): Promise<number> {
    return this.database.read(
      () => this.statements.credentialGeneration.get(userId)?.generation ?? 0,
    );
  }

  async revokeCredentials(userId: string): Promise<number> {
    const row = this.statements.revokeCredentials.get(userId, Date.now());
    if (!row) throw new Error("the new credential generation was not returned");
    return row.generation;
  }
}
