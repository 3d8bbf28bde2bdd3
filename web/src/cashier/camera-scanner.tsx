import { useEffect, useRef } from "react";
import { createQrDetector } from "./qr-detector";

interface CameraScannerProps {
  onCode: (text: string) => void;
  onFailure: () => void;
}

/** The back camera's picture, read a few times a second until a QR code turns up. */
export function CameraScanner({ onCode, onFailure }: CameraScannerProps) {
  const video = useRef<HTMLVideoElement>(null);
  const callbacks = useRef({ onCode, onFailure });
  callbacks.current = { onCode, onFailure };

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    const stopCamera = () => {
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    (async () => {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
      const element = video.current;
      if (stopped || !element) return stopCamera();
      element.srcObject = stream;
      await element.play();
      const detect = await createQrDetector();
      const scan = async () => {
        if (stopped) return;
        const text = await detect(element).catch(() => null);
        if (stopped) return;
        if (text) callbacks.current.onCode(text);
        else timer = window.setTimeout(scan, 150);
      };
      await scan();
    })().catch(() => {
      if (!stopped) callbacks.current.onFailure();
    });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stopCamera();
    };
  }, []);

  return <video ref={video} className="cashier-camera" muted playsInline />;
}
