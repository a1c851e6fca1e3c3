// The callback style AWS's Node runtimes still run: handler(event, context, callback).
exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { style: 'callback', echo: event }), 10);
};

// Errors as the runtime reports them: a thrown Error, a rejected promise, a callback error.
exports.throws = async () => {
  const error = new TypeError('the order id must be a number');
  throw error;
};

exports.callsBackWithError = (event, context, callback) => callback(new RangeError('quantity out of range'));
