import { QRCodeSVG } from "qrcode.react";
import { useRef, useState } from "react";
import { haptic } from "../telegram";
import { useManagerTexts } from "./manager-texts";
import {
  copyText,
  printableQrSvg,
  printQrLevel,
  printQrMarginModules,
  qrFileName,
  saveFile,
  svgToPng,
} from "./printable-qr";

/** A link's QR code as it will print, with the name under it and SVG/PNG downloads. */
export function QrPoster({ link, name, fileCode }: { link: string; name: string; fileCode: string }) {
  const texts = useManagerTexts();
  const qr = useRef<SVGSVGElement>(null);

  const download = async (kind: "svg" | "png") => {
    if (!qr.current) return;
    const svg = printableQrSvg(qr.current, name, link);
    const blob = kind === "svg" ? new Blob([svg], { type: "image/svg+xml" }) : await svgToPng(svg);
    saveFile(blob, qrFileName(fileCode, kind));
    haptic.success();
  };

  return (
    <figure className="qr-poster">
      <QRCodeSVG
        ref={qr}
        value={link}
        level={printQrLevel}
        marginSize={printQrMarginModules}
        size={232}
        bgColor="#ffffff"
        fgColor="#000000"
        title={link}
        data-testid="qr-code"
      />
      <figcaption className="qr-poster-name">{name}</figcaption>
      <div className="qr-poster-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => void download("svg")}
          data-download="svg"
        >
          {texts.downloadSvg}
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => void download("png")}
          data-download="png"
        >
          {texts.downloadPng}
        </button>
      </div>
      <p className="qr-poster-hint">{texts.qrPrintHint}</p>
    </figure>
  );
}

/** A link on one line with a copy button that says when it has copied. */
export function CopyableLink({ label, link }: { label: string; link: string }) {
  const texts = useManagerTexts();
  const [copied, setCopied] = useState(false);
  return (
    <div className="cell copyable-link">
      <span className="cell-text">
        <span className="cell-hint">{label}</span>
        <a className="copyable-link-url" href={link} target="_blank" rel="noreferrer">
          {link}
        </a>
      </span>
      <button
        type="button"
        className="copy-button"
        onClick={() => {
          void copyText(link).then(() => {
            haptic.tap();
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? texts.copied : texts.copy}
      </button>
    </div>
  );
}
