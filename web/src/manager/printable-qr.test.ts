import { describe, expect, it } from "vitest";
import { escapeXml, printableQrSvg, qrFileName } from "./printable-qr";

/** What printableQrSvg reads from the on-screen `<QRCodeSVG>`: its viewBox and its paths. */
const renderedQr = {
  getAttribute: (name: string) => (name === "viewBox" ? "0 0 33 33" : null),
  innerHTML: '<path fill="#ffffff" d="M0,0 h33v33H0z"></path><path fill="#000000" d="M4 4h7v1H4z"></path>',
} as unknown as SVGSVGElement;

describe("printable QR codes", () => {
  it("makes a poster a guest would scan: the restaurant, the invitation in Russian and English, the code, the source small", () => {
    const svg = printableQrSvg(renderedQr, {
      restaurant: "Пельменная №1",
      sourceLabel: "Table tents, Nevsky",
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('viewBox="0 0 33 33"');
    expect(svg).toContain('<path fill="#000000" d="M4 4h7v1H4z">');
    const lines = [...svg.matchAll(/font-size="(\d+)"[^>]*>([^<]*)<\/text>/g)].map(([, size, text]) => ({
      text,
      size: Number(size),
    }));
    expect(lines.map(({ text }) => text)).toEqual([
      "Пельменная №1",
      "Сканируйте — ваша карта гостя в Telegram",
      "Scan — your loyalty card in Telegram",
      "Table tents, Nevsky",
    ]);
    const [restaurant, , , source] = lines;
    expect(restaurant!.size, "the restaurant's name is the headline").toBeGreaterThan(source!.size * 2);
    expect(svg, "no raw link on a poster for guests").not.toContain("t.me");
  });

  it("leaves the staff line out of the plain bot link's poster", () => {
    const svg = printableQrSvg(renderedQr, { restaurant: "Guestcard" });
    expect(svg.match(/<\/text>/g)).toHaveLength(3);
  });

  it("escapes names a manager typed, so they cannot break or script the SVG", () => {
    const name = `<script>alert("x")</script> & 'Bar'`;
    const svg = printableQrSvg(renderedQr, { restaurant: name, sourceLabel: name });
    expect(svg).not.toContain("<script>");
    expect(svg).toContain(escapeXml(name));
    expect(escapeXml(`<&>"'`)).toBe("&#60;&#38;&#62;&#34;&#39;");
  });

  it("names the files after the source's code", () => {
    expect([qrFileName("tents_nevsky", "svg"), qrFileName("tents_nevsky", "png")]).toEqual([
      "guestcard-qr-tents_nevsky.svg",
      "guestcard-qr-tents_nevsky.png",
    ]);
  });
});
