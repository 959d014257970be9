// The factoring pages share one script: see FactoringReserve.js.
export { default } from "./FactoringReserve.js";
