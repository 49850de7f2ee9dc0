import { normaliseName } from "../../../packaging/mod.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { POPULAR_PYPI_PACKAGES } from "../../../checks/source/lookalike_packages.ts";
import {
  buildNameMatcher,
  confusableSkeleton,
  editsAllowed,
  osaDistance,
} from "../../../checks/_similarity.ts";

Deno.test("osaDistance: transpositions count once; the bound stops early", () => {
  assert.equal(osaDistance("troch", "torch"), 1);
  assert.equal(osaDistance("reqeusts", "requests"), 1);
  assert.equal(osaDistance("numpy", "numpyy"), 1);
  assert.equal(osaDistance("ca", "abc"), 3); // optimal string alignment: no edit of an edited pair
  assert.equal(osaDistance("", "abc"), 3);
  assert.equal(osaDistance("tensorflow", "pytorch"), 8);
  assert.equal(osaDistance("tensorflow", "pytorch", 2), 3);
  assert.equal(osaDistance("kitten", "sitting", 1), 2);
  assert.equal(osaDistance("tοrch", "torch"), 1); // code points, not UTF-16 units
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      const exact = osaDistance(a, b);
      assert.equal(osaDistance(b, a), exact);
      for (const bound of [0, 1, 2]) {
        assert.equal(osaDistance(a, b, bound), Math.min(exact, bound + 1));
      }
    }),
  );
});

Deno.test("confusableSkeleton: separators, digits, letter pairs and other scripts fold", () => {
  const same = (a: string, b: string) => assert.equal(confusableSkeleton(a), confusableSkeleton(b));
  same("scikit-learn", "scikitlearn");
  same("scikit-learn", "sc1kit_learn");
  same("scikit-learn", "Scikit.Learn");
  same("torch", "t0rch");
  same("modern", "modem"); // rn → m
  same("wheel", "vvheel"); // vv → w
  same("click", "dick"); // cl → d
  same("click", "c1ick"); // 1 → l, then cl → d
  same("pandas", "раndas"); // Cyrillic р, а
  same("scipy", "ѕсіру"); // Cyrillic ѕ с і р у
  same("torch", "tοrch"); // Greek ο
  same("numpy", "ｎｕｍｐｙ"); // fullwidth, by NFKC
  assert.notEqual(confusableSkeleton("torch"), confusableSkeleton("porch"));
  assert.equal(normaliseName("Scikit__Learn.x"), "scikit-learn-x");
  assert.deepEqual([3, 4, 7, 8].map(editsAllowed), [0, 1, 1, 2]);
});

Deno.test("buildNameMatcher: ten thousand candidates against the bundled list stay fast", () => {
  const matcher = buildNameMatcher(POPULAR_PYPI_PACKAGES);
  const random = fc.sample(fc.stringMatching(/^[a-z][a-z0-9-]{2,18}[a-z0-9]$/), {
    numRuns: 10_000,
    seed: 42,
  });
  const started = performance.now();
  for (const name of random) matcher.match(name);
  const elapsed = performance.now() - started;
  // About 0.3 s on a laptop; the bound leaves room for slow CI machines.
  assert.ok(elapsed < 5_000, `10,000 candidates took ${Math.round(elapsed)} ms`);
});
