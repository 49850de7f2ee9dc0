export const fixtures = new URL("../../fixtures/pip_config/", import.meta.url);

export function fixtureNames(): string[] {
  return [...Deno.readDirSync(fixtures)].map((entry) => entry.name).sort();
}
