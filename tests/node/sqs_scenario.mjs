// The AWS SDK for JavaScript v3 against a pytest-sqs server: the SDK verifies the body
// MD5 of every send and receive, so a wrong digest fails here; the attribute MD5s are
// compared by the test.  Prints one JSON document of results.
// Usage: node sqs_scenario.mjs <endpoint-url>   (credentials and region from the env)
import {
  SQSClient,
  CreateQueueCommand,
  SendMessageCommand,
  SendMessageBatchCommand,
  ReceiveMessageCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  GetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";

const client = new SQSClient({ endpoint: process.argv[2] });
const out = {};

const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: "node-orders" }));
out.queueUrl = url;

const sent = await client.send(
  new SendMessageCommand({
    QueueUrl: url,
    MessageBody: '{"order": 1, "note": "café ☕"}',
    MessageAttributes: {
      kind: { DataType: "String", StringValue: "order" },
      total: { DataType: "Number", StringValue: "12.50" },
      blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) },
    },
  }),
);
out.sent = { md5Body: sent.MD5OfMessageBody, md5Attributes: sent.MD5OfMessageAttributes };

const received = await client.send(
  new ReceiveMessageCommand({
    QueueUrl: url,
    MaxNumberOfMessages: 10,
    MessageAttributeNames: ["All"],
    MessageSystemAttributeNames: ["All"],
    VisibilityTimeout: 30,
  }),
);
const message = received.Messages[0];
out.received = {
  body: message.Body,
  md5Body: message.MD5OfBody,
  md5Attributes: message.MD5OfMessageAttributes,
  blob: Array.from(message.MessageAttributes.blob.BinaryValue),
  total: message.MessageAttributes.total.StringValue,
  receiveCount: message.Attributes.ApproximateReceiveCount,
};

await client.send(
  new ChangeMessageVisibilityCommand({
    QueueUrl: url,
    ReceiptHandle: message.ReceiptHandle,
    VisibilityTimeout: 0,
  }),
);
const again = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
out.redelivered = again.Messages.length;
await client.send(
  new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.Messages[0].ReceiptHandle }),
);

const batch = await client.send(
  new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: "a", MessageBody: "first" },
      { Id: "b", MessageBody: "second", DelaySeconds: 900 },
      { Id: "c", MessageBody: "third", DelaySeconds: 901 },
    ],
  }),
);
out.batch = {
  successful: batch.Successful.map((e) => e.Id).sort(),
  failed: batch.Failed.map((e) => [e.Id, e.Code, e.SenderFault]),
};
const first = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
const deleted = await client.send(
  new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: first.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }),
);
out.batchDeleted = deleted.Successful.length;

const { QueueUrl: fifo } = await client.send(
  new CreateQueueCommand({
    QueueName: "node-orders.fifo",
    Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
  }),
);
const sequence = [];
for (const body of ["one", "two", "two", "three"]) {
  const r = await client.send(
    new SendMessageCommand({ QueueUrl: fifo, MessageBody: body, MessageGroupId: "g" }),
  );
  sequence.push(r.SequenceNumber);
}
out.fifoSequenceNumbers = sequence;
const fifoReceived = await client.send(
  new ReceiveMessageCommand({ QueueUrl: fifo, MaxNumberOfMessages: 10 }),
);
out.fifoBodies = fifoReceived.Messages.map((m) => m.Body);

const attributes = await client.send(
  new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }),
);
out.delayed = attributes.Attributes.ApproximateNumberOfMessagesDelayed;

try {
  await client.send(new GetQueueUrlCommand({ QueueName: "no-such-queue" }));
  out.error = null;
} catch (error) {
  out.error = {
    name: error.name,
    code: error.Code,
    message: error.message,
    status: error.$metadata.httpStatusCode,
  };
}
console.log(JSON.stringify(out));
