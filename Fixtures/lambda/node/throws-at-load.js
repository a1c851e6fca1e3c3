// A module that throws while it loads: the runtime reports Runtime.ImportModuleError with this message.
throw new Error('DB_HOST is not set');
