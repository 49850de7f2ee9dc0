/**
 * How the source checks name an index's role in their messages.
 *
 * @module
 */

export function describeRole(role: string): string {
  switch (role) {
    case "primary":
      return "Index";
    case "extra":
      return "Extra index";
    case "find-links":
      return "Find-links location";
    case "conda-channel":
      return "Conda channel";
    default:
      return `${role[0].toUpperCase()}${role.slice(1)} index`;
  }
}
