/**
 * The `review` family: who must review changes to the supply chain.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { supplyChainOwners } from "./supply_chain_owners.ts";
