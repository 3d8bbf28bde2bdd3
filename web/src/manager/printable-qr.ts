/**
 * Printable posters for a link: the restaurant's name, an invitation a guest understands in Russian
 * and English, the QR code with its quiet zone, and — small, for staff — which source the poster
 * counts for; one SVG (sharp at any print size) or one PNG. The QR modules come from the
 * `<QRCodeSVG>` already on screen, so what is printed is exactly what the manager sees.
 */

/** Error correction for print: Q restores up to a quarter of the code (a crease, a stain, a worn corner). */
export const printQrLevel = "Q" as const;
/** The quiet zone the QR standard asks for: four modules of white around the code. */
export const printQrMarginModules = 4;

const width = 600;
const restaurantBaseline = 76;
const invitationBaselines = [128, 162] as const;
const qrTop = 184;
const sourceBaseline = qrTop + width + 36;
const height = sourceBaseline + 32;
const pngScale = 2;

/** The invitation, in both languages a Russian restaurant's guests read: the poster hangs for everyone. */
export const posterInvitation = [
  "Сканируйте — ваша карта гостя в Telegram",
  "Scan — your loyalty card in Telegram",
] as const;

export interface PosterText {
  /** The restaurant's name (the setting), the poster's headline. */
  restaurant: string;
  /** Which source the poster counts for, printed small for staff; none on the plain bot link's poster. */
  sourceLabel?: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A font size at which `text` fits the poster's width (a rough 0.6 em per character). */
function fittingFontSize(text: string, largest: number): number {
  return Math.max(10, Math.min(largest, Math.floor((width - 48) / (0.6 * Math.max(1, [...text].length)))));
}

/** One line of the poster, centred. */
function line(
  text: string,
  baseline: number,
  style: { size: number; bold?: boolean; colour: string },
): string {
  const weight = style.bold ? ` font-weight="700"` : "";
  return `<text x="${width / 2}" y="${baseline}" text-anchor="middle" font-family="Helvetica, Arial, sans-serif"${weight} font-size="${fittingFontSize(text, style.size)}" fill="${style.colour}">${escapeXml(text)}</text>`;
}

/** The standalone SVG document: the restaurant's name and the invitation, the QR, the source small below. */
export function printableQrSvg(qr: SVGSVGElement, poster: PosterText): string {
  const viewBox = qr.getAttribute("viewBox") ?? "0 0 1 1";
  const [russian, english] = posterInvitation;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    line(poster.restaurant, restaurantBaseline, { size: 44, bold: true, colour: "#000000" }),
    line(russian, invitationBaselines[0], { size: 26, colour: "#000000" }),
    line(english, invitationBaselines[1], { size: 22, colour: "#444444" }),
    `<svg x="0" y="${qrTop}" width="${width}" height="${width}" viewBox="${viewBox}" shape-rendering="crispEdges">${qr.innerHTML}</svg>`,
    poster.sourceLabel ? line(poster.sourceLabel, sourceBaseline, { size: 14, colour: "#888888" }) : "",
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
