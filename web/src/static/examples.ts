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
  { id: "seed", fileName: "seed.yaml", title: "the seed network (9 routers, RIP)", text: seed },
  {
    id: "seed-class",
    fileName: "seed-class.yaml",
    title: "lesson: the seed's class (cut and reroute)",
    text: seedClass,
  },
  {
    id: "count-to-infinity",
    fileName: "count-to-infinity.yaml",
    title: "lesson: counting to infinity (no split horizon)",
    text: countToInfinity,
  },
  { id: "static-routes", fileName: "static-routes.yaml", title: "lesson: static routes", text: staticRoutes },
];
