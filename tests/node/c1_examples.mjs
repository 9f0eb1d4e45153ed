// Usage: node c1_examples.mjs HOST API_KEY MODEL -> one JSON line: the C1 docs' calls (rows 1-4 and 8 of the
// shared c1-doc-examples.md) made with the official openai npm package, as the docs write them.
import OpenAI from "openai";

const [host, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${host}/v1/embed`, apiKey });
const question = "How did the population of the world grow from 1950 to 2020?";

// 1. chat completion
const completion = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: question }],
});
// 2. a response, printed
const response = await client.responses.create({ model, input: question });
const printed = JSON.stringify(response).includes(response.id);
// 3. a follow-up continuing the first response
const first = await client.responses.create({ model, input: "What is the capital of France?" });
const followUp = await client.responses.create({
  model,
  input: "And what is its population?",
  previous_response_id: first.id,
});
// 4. conversations at the server root, responses landing in them
const convClient = new OpenAI({ baseURL: host, apiKey });
const conversation = await convClient.conversations.create();
for (const input of ["What is the capital of France?", "And what is its population?"]) {
  await client.responses.create({ model, input, store: true, conversation: { id: conversation.id } });
}
const items = [];
for await (const item of convClient.conversations.items.list(conversation.id, { order: "asc" })) {
  items.push(item);
}
// 8. a bad key
let badKey = null;
try {
  await new OpenAI({ baseURL: `${host}/v1/embed`, apiKey: "sk-not-a-real-key" }).models.list();
} catch (error) {
  badKey = { status: error.status, code: error.code };
}
console.log(
  JSON.stringify({
    chat: completion.choices[0].message.content,
    response: response.output_text,
    printed,
    firstId: first.id,
    followUpPrevious: followUp.previous_response_id,
    conversationRoles: items.map((item) => item.role),
    badKey,
  }),
);
