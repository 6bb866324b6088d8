/**
 * @module web/static/examples
 * The topologies bundled into the browser edition: the seed network and the three lessons of
 * examples/lessons (the files themselves, as text, parsed in the worker like any opened file).
 */
import countToInfinity from "../../../examples/lessons/count-to-infinity.yaml?raw";
import seedClass from "../../../examples/lessons/seed-class.yaml?raw";
import staticRoutes from "../../../examples/lessons/static-routes.yaml?raw";
import seed from "../../../examples/seed.yaml?raw";

export interface Example {
  /** Short id, used in the page's address (`#example=seed-class`). */
  id: string;
  fileName: string;
  title: string;
  text: string;
}

export const EXAMPLES: readonly Example[] = [
  // Titles short enough for the bar at 1280 px: the menu is as wide as the longest.
  { id: "seed", fileName: "seed.yaml", title: "seed network (RIP)", text: seed },
  { id: "seed-class", fileName: "seed-class.yaml", title: "lesson: cut and reroute", text: seedClass },
  {
    id: "count-to-infinity",
    fileName: "count-to-infinity.yaml",
    title: "lesson: count to infinity",
    text: countToInfinity,
  },
  { id: "static-routes", fileName: "static-routes.yaml", title: "lesson: static routes", text: staticRoutes },
];
