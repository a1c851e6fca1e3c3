// An ES module handler (Handler esm.handler).
export const handler = async (event) => ({ module: 'esm', echo: event });
