// The server writes every time in UTC so pages read without script; this shows them in the browser's time
// zone and keeps UTC in the title for hover.
(() => {
  const format = new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
  // Year first, as the UTC text and the CLI write it, whatever the browser's locale.
  const local = (date) => {
    const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
  };
  for (const time of document.querySelectorAll("time.ts[datetime]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) time.textContent = local(date);
  }
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const note of document.querySelectorAll("[data-zone-note]")) {
    note.textContent = `Times are in your time zone (${zone}); hover over a time for UTC.`;
  }
})();
