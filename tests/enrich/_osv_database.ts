import { loadOsvDatabase, type OsvDatabase } from "../../enrich/osv.ts";

/** The PyPA advisory database (YAML, one record per file under vulns/<package>/). */
export const CORPUS = new URL("../../../shared/corpus-osv", import.meta.url).pathname;

export let loaded: Promise<OsvDatabase> | undefined;

export const corpusDatabase = () => (loaded ??= loadOsvDatabase(CORPUS));
