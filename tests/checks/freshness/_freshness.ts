import { TEST_NOW } from "../../../testing.ts";
import type { RegistryData } from "../../../core/snapshot.ts";

export const ago = (days: number) => new Date(TEST_NOW.getTime() - days * 86_400_000).toISOString();

export const pypi: RegistryData["pypi"] = [
  {
    name: "torch",
    found: true,
    latest: "2.5.0",
    releases: [
      { version: "2.1.0", uploadedAt: ago(800), yanked: false },
      { version: "2.4.0", uploadedAt: ago(100), yanked: false },
      { version: "2.5.0", uploadedAt: ago(3), yanked: false },
    ],
  },
  {
    name: "numpy",
    found: true,
    latest: "2.0.1",
    releases: [
      { version: "1.26.0", uploadedAt: ago(500), yanked: true, yankedReason: "broken wheels" },
      { version: "2.0.1", uploadedAt: ago(30), yanked: false },
    ],
  },
  { name: "internal-lib", found: false, releases: [] },
];

export const registry = (over: Partial<RegistryData> = {}): RegistryData => ({
  pypi,
  advisories: [],
  hub: [],
  provenance: [],
  ...over,
});
