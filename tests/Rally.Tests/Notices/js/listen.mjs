// Connects to Rally's notices hub as a participant with the official client and prints, one JSON line each,
// "connected" and then every notice received, until a study-ended notice of the given study arrives.
// Usage: RALLY_TOKEN=rp_... node listen.mjs <hub url> <study id>
import * as signalR from "@microsoft/signalr";

const [hubUrl, studyId] = process.argv.slice(2);
const token = process.env.RALLY_TOKEN;
if (!hubUrl || !studyId || !token) {
  console.error("usage: RALLY_TOKEN=... node listen.mjs <hub url> <study id>");
  process.exit(2);
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl(hubUrl, { accessTokenFactory: () => token, transport: signalR.HttpTransportType.WebSockets })
  .configureLogging(signalR.LogLevel.Warning)
  .build();

const ended = new Promise((resolve) => {
  connection.on("notice", (notice) => {
    console.log(JSON.stringify({ event: "notice", notice }));
    if (notice.kind === "study-ended" && notice.studyId === studyId) {
      resolve();
    }
  });
});

const deadline = setTimeout(() => {
  console.error("no study-ended notice within 30 s");
  process.exit(1);
}, 30_000);

await connection.start();
console.log(JSON.stringify({ event: "connected" }));
await ended;
clearTimeout(deadline);
await connection.stop();
