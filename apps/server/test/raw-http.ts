import { connect } from "node:net";

export type RawResponse = { status: number; headers: string; body: string };

/** Sends bytes as they are and collects every response until the server closes the connection (or 3 s pass). */
export const rawExchange = (port: number, chunks: (string | Buffer)[]): Promise<RawResponse[]> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const responses: RawResponse[] = [];
      let rest = data;
      while (rest.startsWith("HTTP/1.1 ")) {
        const headerEnd = rest.indexOf("\r\n\r\n");
        if (headerEnd < 0) break;
        const headers = rest.slice(0, headerEnd);
        const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
        const body = rest.slice(headerEnd + 4, headerEnd + 4 + length);
        responses.push({ status: Number(headers.slice(9, 12)), headers, body });
        rest = rest.slice(headerEnd + 4 + length);
      }
      resolve(responses);
    };
    const timer = setTimeout(finish, 3000);
    socket.on("data", (d) => {
      data += d.toString("utf8");
    });
    socket.on("close", finish);
    socket.on("error", (error) =>
      (error as NodeJS.ErrnoException).code === "ECONNRESET" ? finish() : reject(error),
    );
    socket.on("connect", () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
