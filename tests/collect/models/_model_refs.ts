import assert from "node:assert/strict";
import { findModelReferences } from "../../../collect/models/model_refs.ts";
import { ModelReference, Problem } from "../../../core/snapshot.ts";

export const SHA = "3f5a8c2e9d1b4a7c6e0f2d8b1a9c7e5f3d2b1a0c";

export function scan(text: string, file = "train.py") {
  const result = findModelReferences(text, { file });
  for (const model of result.models) ModelReference.parse(model);
  for (const problem of result.problems) Problem.parse(problem);
  // Loader calls are tested in tests/checks/artifact/safe_loaders_test.ts; these tests are about models.
  assert.deepEqual(result.loaderCalls, []);
  return { models: result.models, problems: result.problems };
}
