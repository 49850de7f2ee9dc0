/** Builders for installed-distribution facts, shared by the signature and venv check tests. */
import type { Distribution } from "../core/snapshot.ts";

export const SP = ".venv/lib/python3.11/site-packages";

export function dist(
  name: string,
  version: string,
  extra: Partial<Distribution> = {},
): Distribution {
  return {
    name,
    version,
    location: { file: `${SP}/${name}-${version}.dist-info/METADATA` },
    ...extra,
  };
}
