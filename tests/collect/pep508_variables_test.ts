// parsePep508's `variables` option (issue 15, item 9): a version may hold pip's `${NAME}`
// references, kept as written; without the option such text is refused as before.
import assert from "node:assert/strict";
import { parsePep508, Pep508Error } from "../../collect/_pep508.ts";

Deno.test("versions holding ${NAME} parse only when variables are allowed, and stay as written", () => {
  assert.deepEqual(
    parsePep508("torch==${TORCH_VERSION}", { variables: true }).specifier,
    "==${TORCH_VERSION}",
  );
  assert.deepEqual(
    parsePep508("numpy>=1.${MINOR},<${MAX} ; python_version >= '3.10'", { variables: true })
      .specifier,
    ">=1.${MINOR},<${MAX}",
  );
  assert.throws(() => parsePep508("torch==${TORCH_VERSION}"), Pep508Error);
  // Only pip's spelling is a variable: lower case and `$NAME` are not.
  assert.throws(() => parsePep508("torch==${lower}", { variables: true }), Pep508Error);
  assert.throws(() => parsePep508("torch==$V", { variables: true }), Pep508Error);
  // A version without a variable is still checked.
  assert.throws(() => parsePep508("torch==1..0", { variables: true }), Pep508Error);
});
