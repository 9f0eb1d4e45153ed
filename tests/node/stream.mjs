// Usage: node stream.mjs BASE_URL API_KEY MODEL -> prints one JSON line describing the stream.
import OpenAI from "openai";

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const stream = await client.chat.completions.create({
  model,
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "Show quarterly revenue as a chart" }],
});
const ids = new Set();
let text = "";
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks += 1;
  ids.add(chunk.id);
  if (chunk.usage) usage = chunk.usage;
  for (const choice of chunk.choices) {
    text += choice.delta?.content ?? "";
    if (choice.finish_reason) finish = choice.finish_reason;
  }
}
const viaHelper = await client.chat.completions
  .stream({ model, messages: [{ role: "user", content: "A todo list" }] })
  .finalChatCompletion();
console.log(JSON.stringify({ ids: [...ids], text, finish, usage, chunks,
  helperText: viaHelper.choices[0].message.content }));
