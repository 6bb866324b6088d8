/**
 * @module topology
 * Topology files in, validated Topology values out: routelab YAML, containerlab, edge lists and
 * GraphML, one set of checks and defaults, positioned errors, and the `routelab check` summary.
 */
export * from "./defaults.js";
export {
  type ContainerlabExport,
  type ContainerlabExportOptions,
  containerlabInterfaceNames,
  exportContainerlab,
  FRR_IMAGE,
  FRR_RELEASE,
  kubeLabName,
  kubeNodeNames,
} from "./export-containerlab.js";
export {
  exportKathara,
  KATHARA_FRR_IMAGE,
  type KatharaExport,
  katharaInterfaceNames,
} from "./export-kathara.js";
export { DNS1123_LABEL, mapNames, type NameRules } from "./export-names.js";
export { durationText, formatRoutelabYaml } from "./format-yaml.js";
export {
  type LoadOptions,
  loadTopologyText,
  registerTopologyFormat,
  type TopologyFormat,
  type TopologyParser,
  topologyExtensions,
} from "./load.js";
export type * from "./model.js";
export { type ContainerlabOptions, parseContainerlab } from "./parse-containerlab.js";
export { parseEdges } from "./parse-edges.js";
export { type KatharaOptions, parseKathara } from "./parse-kathara.js";
export { type FrrConf, parseFrrConf } from "./parse-frr.js";
export { parseRoutelabYaml } from "./parse-yaml.js";
export { parseGraphml } from "./graphml.js";
export {
  type FrrRouting,
  isRoutingName,
  quietInterval,
  type RoutingSpec,
  routingNames,
  routingSpec,
  routingSpecs,
  STATIC_ROUTING,
} from "./protocols/index.js";
export { allSegmentPorts, segmentNamed, segmentPortName, segmentPorts } from "./segment-ports.js";
export { labSize } from "./lab-size.js";
export { summarizeTopology } from "./summary.js";
export {
  parseBandwidth,
  parseDurationText,
  parseLoss,
  parseSubnet,
  NODE_NAME,
  IFACE_NAME,
} from "./values.js";
export type * from "./lesson-model.js";
export { CHECK_FORMS, parseCheckText, parseRunText } from "./lesson-grammar.js";
export { LESSON_KEYS, parseLessonYaml } from "./parse-lesson.js";
