package se.vardmote.server.browser;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Y4M files for Chromium's {@code --use-file-for-fake-video-capture}, which it plays in a loop as the
 * camera. Chromium's built-in fake camera (a flat background with a moving circle) compresses so well
 * that its encoder asks for far less than a real face in a real room, so a test of how far a publisher's
 * congestion controller ramps needs a picture with detail.
 */
final class FakeCamera {
    private FakeCamera() {
    }

    /**
     * Two seconds (60 frames) of 640×480 at 30 frames/s: a window panning slowly over a large textured
     * picture (smoothed noise, as skin, fabric and hair are to an encoder), its contrast multiplied by
     * {@code contrast}. Every frame has detail and motion, yet it compresses like camera video. At 1, closer
     * to a face in an ordinary room, the encoder wants its 1.7 Mbit/s maximum at 640×480 and holds its frame
     * rate and resolution when it gets less. At 3, busy fabric in bright light, it wants its maximum at any
     * resolution: once Chromium's quality scaler has taken it down to 320×240 (a congestion controller that
     * backed off early, a CPU-starved start), that picture never gets a QP low enough to be scaled up again,
     * and its 600 kbit/s ceiling there holds the sender's estimate near 1 Mbit/s for good. Written once under
     * {@code dir}.
     */
    static Path texturedPicture(Path dir, int contrast) throws IOException {
        Path file = dir.resolve("textured-" + contrast + "-640x480.y4m");
        if (Files.exists(file)) return file;
        int width = 640, height = 480, frames = 60, step = 4;
        int textureWidth = width + frames * step, textureHeight = height;
        byte[] texture = smoothedNoise(textureWidth, textureHeight, new Random(1), contrast);
        byte[] chromaTexture = smoothedNoise(textureWidth / 2, textureHeight / 2, new Random(2), contrast);
        byte[] luma = new byte[width * height];
        byte[] u = new byte[width * height / 4];
        byte[] v = new byte[width * height / 4];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(("YUV4MPEG2 W" + width + " H" + height + " F30:1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            for (int f = 0; f < frames; f++) {
                int x0 = f * step;
                for (int y = 0; y < height; y++) System.arraycopy(texture, y * textureWidth + x0, luma, y * width, width);
                for (int y = 0; y < height / 2; y++) {
                    for (int x = 0; x < width / 2; x++) {
                        int c = chromaTexture[y * (textureWidth / 2) + x0 / 2 + x] & 0xFF;
                        u[y * (width / 2) + x] = (byte) (128 + (c - 128) / 3);
                        v[y * (width / 2) + x] = (byte) (128 - (c - 128) / 4);
                    }
                }
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(luma);
                out.write(u);
                out.write(v);
            }
        }
        return file;
    }

    /** Noise smoothed by two 3×3 box blurs, its contrast then multiplied by {@code contrast}. */
    private static byte[] smoothedNoise(int width, int height, Random random, int contrast) {
        int[] a = new int[width * height];
        for (int i = 0; i < a.length; i++) a[i] = random.nextInt(256);
        for (int pass = 0; pass < 2; pass++) {
            int[] b = new int[a.length];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int sum = 0, n = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = x + dx, yy = y + dy;
                            if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
                            sum += a[yy * width + xx];
                            n++;
                        }
                    }
                    b[y * width + x] = sum / n;
                }
            }
            a = b;
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (byte) Math.max(0, Math.min(255, 128 + (a[i] - 128) * contrast));
        return out;
    }

    /** The brightness (Y', 16–235) of a picture at (x, y) in frame {@code frame}. */
    @FunctionalInterface
    interface Luma {
        int at(int x, int y, int frame);
    }

    /**
     * One second (15 frames) of 320×240 grey picture at 15 frames/s, its brightness drawn by {@code luma} with a
     * little noise (a camera's grain), written once under {@code dir} as {@code name}.y4m.
     */
    static Path picture(Path dir, String name, Luma luma) throws IOException {
        Path file = dir.resolve(name + "-320x240.y4m");
        if (Files.exists(file)) return file;
        int width = 320, height = 240, frames = 15;
        Random random = new Random(3);
        byte[] y = new byte[width * height];
        byte[] chroma = new byte[width * height / 4];
        Arrays.fill(chroma, (byte) 128);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(("YUV4MPEG2 W" + width + " H" + height + " F15:1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            for (int f = 0; f < frames; f++) {
                for (int row = 0; row < height; row++) {
                    for (int x = 0; x < width; x++) {
                        int value = luma.at(x, row, f) + random.nextInt(7) - 3;
                        y[row * width + x] = (byte) Math.max(16, Math.min(235, value));
                    }
                }
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(y);
                out.write(chroma);
                out.write(chroma);
            }
        }
        return file;
    }

    /** A room with the lights off: everything near black (Y' about 28). */
    static Path darkRoom(Path dir) throws IOException {
        return picture(dir, "dark-room", (x, y, f) -> 28 + (x + y) % 8);
    }

    /** An evenly lit room: mid-grey with soft shading (Y' 100 to 160). */
    static Path litRoom(Path dir) throws IOException {
        return picture(dir, "lit-room", (x, y, f) -> 100 + (x * 60 / 320 + y * 20 / 240));
    }

    /**
     * A person in front of a bright window: a dark oval in the middle (Y' 60) on a near-white background
     * (Y' 230), as a face looks when the light comes from behind.
     */
    static Path backLit(Path dir) throws IOException {
        return picture(dir, "back-lit", (x, y, f) -> {
            double dx = (x - 160) / 80.0, dy = (y - 130) / 100.0;
            return dx * dx + dy * dy <= 1 ? 60 : 230;
        });
    }

    /** Chromium switches that make {@code file} the camera. */
    static List<String> switchesFor(Path file) {
        return List.of("--use-file-for-fake-video-capture=" + file.toAbsolutePath());
    }
}
