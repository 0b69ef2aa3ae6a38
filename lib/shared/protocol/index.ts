/** The protocol: one module per entity, each with its types and the schemas that validate it. */
export * from "./attachments";
export * from "./common";
export * from "./events";
export * from "./membership";
export * from "./messages";
export * from "./notifications";
export * from "./presence";
export * from "./reads";
export * from "./rooms";
export * from "./search";
export * from "./users";
