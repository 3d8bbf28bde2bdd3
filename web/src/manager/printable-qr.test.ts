import { describe, expect, it } from "vitest";
import { escapeXml, printableQrSvg, qrFileName } from "./printable-qr";

/** What printableQrSvg reads from the on-screen `<QRCodeSVG>`: its viewBox and its paths. */
const renderedQr = {
  getAttribute: (name: string) => (name === "viewBox" ? "0 0 33 33" : null),
  innerHTML: '<path fill="#ffffff" d="M0,0 h33v33H0z"></path><path fill="#000000" d="M4 4h7v1H4z"></path>',
} as unknown as SVGSVGElement;

describe("printable QR codes", () => {
  it("puts the code, the name and the link in one standalone SVG", () => {
    const svg = printableQrSvg(renderedQr, "Table tents, Nevsky", "https://t.me/bot?start=tents");
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('viewBox="0 0 33 33"');
    expect(svg).toContain('<path fill="#000000" d="M4 4h7v1H4z">');
    expect(svg).toContain(">Table tents, Nevsky</text>");
    expect(svg).toContain(">https://t.me/bot?start=tents</text>");
  });

  it("escapes a source name a manager typed, so it cannot break or script the SVG", () => {
    const name = `<script>alert("x")</script> & 'Bar'`;
    const svg = printableQrSvg(renderedQr, name, "https://t.me/bot?start=a&b");
    expect(svg).not.toContain("<script>");
    expect(svg).toContain(escapeXml(name));
    expect(escapeXml(`<&>"'`)).toBe("&#60;&#38;&#62;&#34;&#39;");
    expect(svg).toContain("start=a&#38;b");
  });

  it("names the files after the source's code", () => {
    expect([qrFileName("tents_nevsky", "svg"), qrFileName("tents_nevsky", "png")]).toEqual([
      "guestcard-qr-tents_nevsky.svg",
      "guestcard-qr-tents_nevsky.png",
    ]);
  });
});
