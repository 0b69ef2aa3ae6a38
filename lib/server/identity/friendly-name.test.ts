import { describe, expect, it } from "vitest";
import { displayNameProblem } from "../../shared/names/name-rules";
import { ADJECTIVES, ANIMALS, friendlyName } from "./friendly-name";

describe("generated names", () => {
  it("all keep the rules every chosen name keeps", () => {
    for (const adjective of ADJECTIVES)
      for (const animal of ANIMALS)
        expect(displayNameProblem(`${adjective} ${animal}`), `${adjective} ${animal}`).toBeNull();
  });

  it("are one adjective and one animal, the same every time for one identity", () => {
    for (let i = 0; i < 50; i++) {
      expect(friendlyName(`user-${i}`)).toBe(friendlyName(`user-${i}`));
      const [adjective, animal, ...rest] = friendlyName(`user-${i}`).split(" ");
      expect(ADJECTIVES).toContain(adjective);
      expect(ANIMALS).toContain(animal);
      expect(rest).toEqual([]);
    }
  });
});
