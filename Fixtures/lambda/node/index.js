// A Node.js handler as customers write one (runtime nodejs20.x, Handler index.handler): async, reads its context,
// logs, and answers the HTTP API's payload 2.0 event.
exports.handler = async (event, context) => {
  console.log('serving', event.rawPath);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      runtime: 'node',
      path: event.rawPath || null,
      requestId: context.awsRequestId,
      functionName: context.functionName,
      arn: context.invokedFunctionArn,
      remaining: context.getRemainingTimeInMillis() > 0,
      waits: context.callbackWaitsForEmptyEventLoop,
      region: process.env.AWS_REGION,
    }),
  };
};
