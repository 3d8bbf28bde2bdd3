/**
 * Printable QR codes for a link: the code with its quiet zone, and the source's name and the link
 * under it, as one SVG (sharp at any print size) or one PNG. The QR modules come from the
 * `<QRCodeSVG>` already on screen, so what is printed is exactly what the manager sees.
 */

/** Error correction for print: Q restores up to a quarter of the code (a crease, a stain, a worn corner). */
export const printQrLevel = "Q" as const;
/** The quiet zone the QR standard asks for: four modules of white around the code. */
export const printQrMarginModules = 4;

const width = 600;
const nameBaseline = 652;
const linkBaseline = 700;
const height = 740;
const pngScale = 2;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A font size at which `text` fits the poster's width (a rough 0.6 em per character). */
function fittingFontSize(text: string, largest: number): number {
  return Math.max(10, Math.min(largest, Math.floor((width - 48) / (0.6 * Math.max(1, [...text].length)))));
}

/** The standalone SVG document: white background, the QR on top, the name and the link below. */
export function printableQrSvg(qr: SVGSVGElement, name: string, link: string): string {
  const viewBox = qr.getAttribute("viewBox") ?? "0 0 1 1";
  const fonts = "Helvetica, Arial, sans-serif";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<svg x="0" y="0" width="${width}" height="${width}" viewBox="${viewBox}" shape-rendering="crispEdges">${qr.innerHTML}</svg>`,
    `<text x="${width / 2}" y="${nameBaseline}" text-anchor="middle" font-family="${fonts}" font-weight="700" font-size="${fittingFontSize(name, 36)}" fill="#000000">${escapeXml(name)}</text>`,
    `<text x="${width / 2}" y="${linkBaseline}" text-anchor="middle" font-family="${fonts}" font-size="${fittingFontSize(link, 20)}" fill="#444444">${escapeXml(link)}</text>`,
    "</svg>",
  ].join("");
}

/** Rasterises the SVG at twice its size (1,200 px wide), so a 10 cm print still has sharp modules. */
export async function svgToPng(svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = width * pngScale;
    canvas.height = height * pngScale;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2D canvas");
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG encoding failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a file the browser way; Telegram Desktop and the web clients pass it to the download folder. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from the source's code: codes are already safe for file names. */
export function qrFileName(code: string, extension: "svg" | "png"): string {
  return `guestcard-qr-${code}.${extension}`;
}

/** Copies text; the old execCommand path covers webviews without the async clipboard. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}
