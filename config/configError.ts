/** A setting the environment gives wrongly or not at all: the process stops before it serves. */
export class ConfigError extends Error {}
