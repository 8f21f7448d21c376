#!/bin/sh
# Makes the dial-in IVR's prompts OFFLINE, once, and they are committed: the server never synthesises
# speech at run time. Output: 8 kHz, mono, 16-bit signed PCM WAV (what media's Prompt.fromWav reads and
# what G.711 carries), under signalling/src/main/resources/prompts/{sv,en}/<name>.wav, plus the
# language-free soft waiting tone prompts/wait-tone.wav.
# Needs: espeak-ng (with the Swedish voice) and sox. Run from anywhere: sh make-prompts.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/prompts"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/sv" "$out/en"

# say <lang> <name> <text>: speak slowly (-s 150), then resample to 8 kHz, normalise to -3 dBFS and pad
# 200 ms of silence after, so consecutive prompts do not run together.
say() {
  espeak-ng -v "$1" -s 150 -w "$tmp/raw.wav" "$3"
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$1/$2.wav" norm -3 pad 0 0.2
}

say sv welcome              "Välkommen till vårdmötet."
say sv enter-conference-id  "Slå mötets konferens-ID och avsluta med fyrkant."
say sv conference-id-invalid "Det ID:t är inte giltigt. Försök igen."
say sv meeting-not-open     "Mötet är inte öppet just nu. Försök igen."
say sv leader-or-hash       "Om du leder mötet, tryck stjärna och din PIN-kod och avsluta med fyrkant. Annars, tryck fyrkant."
say sv pin-invalid          "PIN-koden är fel."
say sv pin-locked           "PIN-koden är spärrad en stund. Du ansluter som tolk."
say sv please-wait          "Vänta, du släpps snart in i mötet."
say sv goodbye              "Tack för samtalet. Hej då."
say sv muted                "Du är avstängd. Tryck stjärna sex för att höras igen."
say sv unmuted              "Du hörs igen."

say en welcome              "Welcome to the video visit."
say en enter-conference-id  "Enter the conference ID, followed by the hash key."
say en conference-id-invalid "That ID is not valid. Please try again."
say en meeting-not-open     "The meeting is not open right now. Please try again."
say en leader-or-hash       "If you lead this meeting, press star and your PIN, followed by hash. Otherwise, press hash."
say en pin-invalid          "That PIN is not correct."
say en pin-locked           "PIN entry is locked for a while. You join as the interpreter."
say en please-wait          "Please wait, you will be let in soon."
say en goodbye              "Thank you for calling. Goodbye."
say en muted                "You are muted. Press star six to be heard again."
say en unmuted              "You can be heard again."

# A soft tone while waiting in the lobby: 425 Hz (the Swedish call-progress frequency) at -20 dBFS for
# 0.4 s, then 3.6 s of silence; played in a loop after please-wait.
sox -n -r 8000 -c 1 -b 16 -e signed-integer "$out/wait-tone.wav" synth 0.4 sine 425 fade 0.05 0.4 0.05 vol -20dB pad 0 3.6
