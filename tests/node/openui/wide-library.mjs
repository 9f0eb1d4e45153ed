// A library that is not C1's (34 components), built with lang-core's own createLibrary/defineComponent + zod,
// covering what a component library can declare: positional order, required/optional/nullable params,
// defaults, enums, numbers, booleans, records, nested objects, arrays of data and of components, $refs.
import { createLibrary, defineComponent } from "@openuidev/lang-core";
import { z } from "zod";

const c = (name, props, description) => defineComponent({ name, props: z.object(props), description });

const Paragraph = c("Paragraph", { text: z.string() }, "A paragraph of markdown");
const Heading = c("Heading", { text: z.string(), level: z.number().default(2) }, "A heading");
const Link = c("Link", { label: z.string(), href: z.string() }, "A hyperlink");
const Picture = c("Picture", { src: z.string(), caption: z.string().optional() }, "An image");
const Badge = c("Badge", { label: z.string(), color: z.enum(["gray", "green", "red", "blue"]).optional() }, "A badge");
const BadgeRow = c("BadgeRow", { badges: z.array(Badge.ref) }, "A row of badges");
const Metric = c("Metric", {
  label: z.string(), value: z.number(), delta: z.number().optional(), unit: z.enum(["%", "$", "ms"]).optional(),
}, "One number");
const MetricGrid = c("MetricGrid", { metrics: z.array(Metric.ref).default([]), columns: z.number().optional() }, "Numbers");
const Quote = c("Quote", { text: z.string(), author: z.string().optional() }, "A quotation");
const CodeBlock = c("CodeBlock", { code: z.string(), language: z.enum(["text", "python", "js", "sql"]).default("text") }, "Code");
const Divider = c("Divider", {}, "A rule");
const Spacer = c("Spacer", { size: z.enum(["s", "m", "l"]).default("m") }, "Blank space");
const Avatar = c("Avatar", { name: z.string(), imageUrl: z.string().optional() }, "A person's picture");
const Person = c("Person", { avatar: Avatar.ref, role: z.string().optional() }, "A person");
const Team = c("Team", { members: z.array(Person.ref), title: z.string().optional() }, "People");
const KeyValue = c("KeyValue", { key: z.string(), value: z.union([z.string(), z.number()]) }, "A pair");
const KeyValueList = c("KeyValueList", { items: z.array(KeyValue.ref).default([]) }, "Pairs");
const Progress = c("Progress", { value: z.number(), max: z.number().default(100), label: z.string().optional() }, "A bar");
const Timeline = c("Timeline", {
  events: z.array(z.object({ date: z.string(), title: z.string(), detail: z.string().optional() })),
}, "Dated events");
const Toggle = c("Toggle", { name: z.string(), label: z.string(), on: z.boolean().default(false) }, "A switch");
const TextField = c("TextField", {
  name: z.string(), label: z.string().optional(), placeholder: z.string().optional(),
  kind: z.enum(["text", "email", "number"]).optional(),
}, "A text input");
const Choice = c("Choice", { value: z.string(), label: z.string() }, "An option");
const Dropdown = c("Dropdown", { name: z.string(), options: z.array(Choice.ref), selected: z.string().optional() }, "A select");
const ActionButton = c("ActionButton", {
  label: z.string(),
  action: z.object({ type: z.enum(["submit", "open_url", "reset"]), url: z.string().optional() }).optional(),
  style: z.enum(["primary", "secondary", "danger"]).default("primary"),
}, "A button");
const FormPanel = c("FormPanel", {
  name: z.string(), fields: z.array(z.union([TextField.ref, Toggle.ref, Dropdown.ref])).default([]), submit: ActionButton.ref,
}, "A form");
const Chart = c("Chart", {
  kind: z.enum(["line", "bar", "area"]), points: z.array(z.object({ x: z.number(), y: z.number() })),
  title: z.string().optional(),
}, "A chart");
const DataTable = c("DataTable", {
  headers: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number()]))).default([]),
}, "A table");
const Callout = c("Callout", { title: z.string().nullable(), body: z.string(), meta: z.record(z.string(), z.string()).optional() }, "A callout");
const Glyph = c("Glyph", { name: z.string() }, "An icon");
const IconLabel = c("IconLabel", { text: z.string(), glyph: Glyph.ref.optional() }, "Icon and text");
const LEAVES = [Paragraph, Heading, Link, Picture, BadgeRow, MetricGrid, Quote, CodeBlock, Divider, Spacer, Team,
  KeyValueList, Progress, Timeline, FormPanel, Chart, DataTable, Callout, IconLabel];
const TabPanel = c("TabPanel", { label: z.string(), content: z.array(z.union(LEAVES.map((x) => x.ref))).default([]) }, "A tab");
const TabSet = c("TabSet", { tabs: z.array(TabPanel.ref) }, "Tabs");
const Grid = c("Grid", { columns: z.number().default(2), cells: z.array(z.union(LEAVES.map((x) => x.ref))).default([]) }, "A grid");
const Section = c("Section", {
  heading: z.string(), children: z.array(z.union([...LEAVES, TabSet, Grid].map((x) => x.ref))).default([]),
  collapsed: z.boolean().default(false),
}, "A section");
const Banner = c("Banner", { text: z.string(), tone: z.enum(["info", "warning", "success"]).default("info") }, "A banner");
const Page = c("Page", {
  title: z.string(), blocks: z.array(z.union([Section, Banner, TabSet, Grid, ...LEAVES].map((x) => x.ref))).default([]),
  theme: z.enum(["light", "dark"]).optional(),
}, "The page");

export const wideLibrary = createLibrary({
  root: "Page",
  components: [Page, Section, Banner, TabSet, TabPanel, Grid, ...LEAVES, Badge, Metric, Avatar, Person, KeyValue,
    Toggle, TextField, Choice, Dropdown, ActionButton, Glyph],
  componentGroups: [{ name: "Layout", components: ["Page", "Section", "Grid", "TabSet", "TabPanel"] }],
});
