import assert from "node:assert/strict";
import { Index } from "../../../core/snapshot.ts";

export const file = "pyproject.toml";

/** Every index of one file comes from one tool; strip that tag to compare the rest. */
export function withoutTool(tool: string) {
  return (index: Index) => {
    assert.equal(index.tool, tool);
    const { tool: _, ...rest } = index;
    return rest;
  };
}
