// Hybrid media (server/media): the remote attendee's panel, the projector's room mode and the
// mentor's controls. Each panel ([data-media-path]) gets one Media object. The browser publishes
// on one RTCPeerConnection (it offers) and receives on another (the server offers, again only
// when it needs another line; a "tracks" message says whose media each line carries now, as the
// relay re-points lines at whoever is speaking). A dropped socket or connection is rebuilt by
// itself, with "reconnecting audio..." shown meanwhile. All texts come from the panel's data-msg-* attributes.
(() => {
  "use strict";

  // Caps: the server forwards without re-encoding, so every receiver gets what the sender sends.
  const CAPS = {
    remote: { width: 640, height: 360, frameRate: 15, maxBitrate: 450_000 },
    room: { width: 1280, height: 720, frameRate: 15, maxBitrate: 1_200_000 },
    screen: { frameRate: 5, maxBitrate: 1_500_000 },
    // A camera's layers, each sent beside it on a track of its own (simulcast by hand: aiortc
    // does not take RID simulcast): the relay gives a receiver whose link cannot take the full
    // one the layer that fits (server/media/budget.py), instead of no video at all (issue 16).
    // Every camera has a low layer; the room's 720p camera a middle one too, so a remote on a
    // middling link sees the room at 640x360 rather than 320x180.
    "camera-low": { width: 320, height: 180, frameRate: 15, maxBitrate: 150_000 },
    "camera-mid": { width: 640, height: 360, frameRate: 15, maxBitrate: 500_000 },
  };
  const RETRY_MS = [500, 1000, 2000, 4000, 8000];
  // A page that was live remembers how (kinds, devices, muted) for this tab only, so a reload
  // rejoins by itself with the same choice and a reloaded projector resumes room mode (issue 16).
  const REMEMBER = "kring-media:";

  // Trickle ICE: offers and answers go out at once and each candidate follows on its own, so a
  // slow or dead STUN/TURN server never holds a join (issue 16). Candidates already in the sent
  // description are not sent again; those found before it went out wait for it.
  const trickle = (pc, which, send) => {
    pc.kringQueue = [];
    pc.addEventListener("icecandidate", (event) => {
      const c = event.candidate;
      const message = { type: "candidate", pc: which, candidate: c ? c.candidate : "", mid: c ? String(c.sdpMid ?? "0") : "0" };
      if (pc.kringSent === undefined) pc.kringQueue.push(message);
      else if (!message.candidate || !pc.kringSent.includes(message.candidate)) send(message);
    });
  };
  const sentDescription = (pc, send) => {
    pc.kringSent = pc.localDescription ? pc.localDescription.sdp : "";
    for (const message of pc.kringQueue.splice(0)) {
      if (!message.candidate || !pc.kringSent.includes(message.candidate)) send(message);
    }
  };

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  class Media {
    constructor(root) {
      this.root = root;
      this.role = root.dataset.mediaRole;
      this.path = root.dataset.mediaPath;
      this.base = "";
      this.ws = null;
      this.me = "";
      this.ice = [];
      this.local = { mic: null, camera: null, screen: null };
      this.layers = {}; // the camera's layers by label: clones of this.local.camera, scaled down
      this.want = { mic: false, camera: false, screen: false };
      this.live = false; // joined (publishing and/or listening)
      this.pub = null;
      this.sub = null;
      this.tracks = {}; // mid -> {member, kind, label}
      this.roster = [];
      this.pinned = "";
      this.pinnedAs = "";
      this.speaking = new Set();
      this.seen = new Set(); // members whose camera the server forwards now
      this.held = new Set(); // members whose video this page's link cannot take now (server/media/budget.py)
      this.retry = 0;
      this.kinds = [];
      this.preferred = {}; // device ids remembered from before a reload
      this.closedForGood = false;
      this.audioContext = null;
      this.meterFrame = 0;
      root.addEventListener("click", (event) => this.onClick(event));
      root.addEventListener("change", (event) => this.onChange(event));
      if (navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia && !/Mobi|Android/i.test(navigator.userAgent)) {
        for (const button of root.querySelectorAll("[data-media-action=screen]")) button.hidden = false;
      }
      if ("mediaAuto" in root.dataset) this.connect(); // the mentor's panel: controls only
      const saved = this.recall();
      if (saved && this.role !== "mentor") this.join(saved.kinds, saved).catch((error) => console.warn("media:", error));
    }

    recall() {
      try {
        const saved = JSON.parse(sessionStorage.getItem(REMEMBER + this.path) || "null");
        return saved && Array.isArray(saved.kinds) ? saved : null;
      } catch (_) {
        return null;
      }
    }

    remember() {
      if (this.role === "mentor") return;
      try {
        if (!this.live) {
          sessionStorage.removeItem(REMEMBER + this.path);
          return;
        }
        const devices = {};
        for (const [kind, track] of [["audioinput", this.local.mic], ["videoinput", this.local.camera]]) {
          const id = track && track.getSettings ? track.getSettings().deviceId : "";
          if (id) devices[kind] = id;
        }
        const kinds = this.kinds.filter((k) => k !== "camera" || this.local.camera);
        const muted = Boolean(this.local.mic && !this.local.mic.enabled);
        sessionStorage.setItem(REMEMBER + this.path, JSON.stringify({ kinds, devices, muted }));
      } catch (_) { /* storage off: no rejoin after a reload */ }
    }

    msg(key) {
      const name = "msg" + key.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());
      return this.root.dataset[name] || "";
    }

    status(text) {
      const node = this.root.querySelector("[data-media-status]");
      if (node && node.textContent !== text) node.textContent = text;
    }

    stage(name) {
      for (const node of this.root.querySelectorAll("[data-media-stage]")) node.hidden = node.dataset.mediaStage !== name;
      const toggle = this.root.querySelector(".media-room-toggle");
      if (toggle) {
        toggle.hidden = name === "live" || name === "setup";
        toggle.setAttribute("aria-expanded", String(name === "setup"));
      }
      document.body.classList.toggle("media-on", name === "live" && this.role === "room");
      // One camera and microphone check: in the setup while joining, under the controls while live.
      const check = this.root.querySelector("[data-media-check]");
      const home = this.root.querySelector(name === "live" ? "[data-media-check-live]" : "[data-media-check-home]");
      if (check && home && check.parentElement !== home) {
        home.append(check);
        if (name === "live") {
          check.hidden = false;
          this.fillDevices().catch(() => {});
        }
        const preview = check.querySelector("[data-media-preview]");
        if (preview && preview.srcObject) preview.play().catch(() => {}); // a moved video pauses
      }
    }

    // ---------------------------------------------------------------- devices

    device(kind) {
      const select = this.root.querySelector(`[data-media-device=${kind}]`);
      return select ? select.value : "";
    }

    // An explicit choice in the picker, else the device used before a reload (if still there).
    constraint(kind) {
      const id = this.device(kind);
      if (id) return { exact: id };
      return this.preferred[kind] ? { ideal: this.preferred[kind] } : undefined;
    }

    async fillDevices() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
      const devices = await navigator.mediaDevices.enumerateDevices();
      for (const select of this.root.querySelectorAll("[data-media-device]")) {
        const kind = select.dataset.mediaDevice;
        const keep = select.value || this.preferred[kind] || "";
        for (const option of [...select.options]) if (option.value && option.value !== "off") option.remove();
        let n = 0;
        for (const device of devices) {
          if (device.kind !== kind || !device.deviceId || device.deviceId === "default") continue;
          n += 1;
          const option = el("option", "", device.label || `${kind === "videoinput" ? "Camera" : "Microphone"} ${n}`);
          option.value = device.deviceId;
          select.append(option);
        }
        if ([...select.options].some((o) => o.value === keep)) select.value = keep;
      }
    }

    async getMic() {
      const id = this.device("audioinput");
      if (id === "off") return null;
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { deviceId: this.constraint("audioinput"), echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      return stream.getAudioTracks()[0] || null;
    }

    async getCamera() {
      const id = this.device("videoinput");
      if (id === "off") return null;
      const cap = CAPS[this.role === "room" ? "room" : "remote"];
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { deviceId: this.constraint("videoinput"), width: { ideal: cap.width }, height: { ideal: cap.height }, frameRate: { ideal: cap.frameRate, max: cap.frameRate } },
      });
      return stream.getVideoTracks()[0] || null;
    }

    async openDevices(kinds) {
      if (!navigator.mediaDevices) {
        this.status(this.msg("no-devices"));
        return;
      }
      try {
        if (kinds.includes("mic") && !this.local.mic) this.local.mic = await this.getMic();
        if (kinds.includes("camera") && !this.local.camera) this.local.camera = await this.getCamera();
      } catch (error) {
        this.status(this.msg(error && error.name === "NotAllowedError" ? "denied" : "no-devices"));
      }
      await this.fillDevices().catch(() => {});
      for (const check of this.root.querySelectorAll("[data-media-check]")) check.hidden = false;
      this.showPreview();
    }

    stopLocal(kind) {
      const track = this.local[kind];
      if (track) track.stop();
      this.local[kind] = null;
      if (kind === "camera") this.stopLayers();
    }

    stopLayers() {
      for (const track of Object.values(this.layers)) track.stop();
      this.layers = {};
    }

    // Which layers this page's camera sends beside it: the room's camera a middle one too.
    layerLabels() {
      return this.role === "room" ? ["camera-mid", "camera-low"] : ["camera-low"];
    }

    // The camera's layer `label`: a clone scaled to its size by the browser's capture pipeline.
    // Where the constraints are not applied, the sender scales it (scaleResolutionDownBy).
    async layer(camera, label) {
      if (this.layers[label]) this.layers[label].stop();
      delete this.layers[label];
      if (!camera || !camera.clone) return null;
      const cap = CAPS[label];
      const track = camera.clone();
      track.kringScale = 1;
      try {
        await track.applyConstraints({ width: { ideal: cap.width }, height: { ideal: cap.height }, frameRate: { max: cap.frameRate } });
      } catch (_) {
        // Not scaled at the source: the sender scales it. (Not both: Chromium's getSettings()
        // may still tell the camera's width after the clone was scaled, and a 320 px picture
        // scaled again by 4 was sent 80 px wide.)
        const width = (camera.getSettings && camera.getSettings().width) || cap.width;
        track.kringScale = Math.max(1, width / cap.width);
      }
      this.layers[label] = track;
      return track;
    }

    layerEncoding(label) {
      const cap = CAPS[label];
      const encoding = { maxBitrate: cap.maxBitrate, maxFramerate: cap.frameRate };
      const scale = this.layers[label] ? this.layers[label].kringScale : 1;
      if (scale > 1.25) encoding.scaleResolutionDownBy = scale;
      return encoding;
    }

    showPreview() {
      const video = this.root.querySelector("[data-media-preview]");
      if (video) {
        const tracks = this.local.camera ? [this.local.camera] : [];
        video.srcObject = tracks.length ? new MediaStream(tracks) : null;
        const off = this.root.querySelector("[data-media-preview-off]");
        if (off) off.hidden = tracks.length > 0;
      }
      this.meter();
    }

    meter() {
      cancelAnimationFrame(this.meterFrame);
      const meters = this.root.querySelectorAll("[data-media-level]");
      if (!this.local.mic || !meters.length) {
        for (const m of meters) m.value = 0;
        return;
      }
      try {
        this.audioContext = this.audioContext || new AudioContext();
        const source = this.audioContext.createMediaStreamSource(new MediaStream([this.local.mic]));
        const analyser = this.audioContext.createAnalyser();
        analyser.fftSize = 512;
        source.connect(analyser);
        const data = new Float32Array(analyser.fftSize);
        const tick = () => {
          analyser.getFloatTimeDomainData(data);
          let sum = 0;
          for (const v of data) sum += v * v;
          const level = Math.min(1, Math.sqrt(sum / data.length) * 4);
          const shown = this.local.mic && this.local.mic.enabled ? level : 0;
          for (const m of meters) m.value = shown;
          this.meterFrame = requestAnimationFrame(tick);
        };
        tick();
      } catch (_) { /* no Web Audio: no meter */ }
    }

    // ---------------------------------------------------------------- socket

    socketUrl() {
      // KRING_MEDIA_URL may be ":8001": this page's host, another port (docs/deployment.md).
      const base = !this.base ? location.origin
        : this.base.startsWith(":") ? `${location.protocol}//${location.hostname}${this.base}` : this.base;
      return base.replace(/^http/, "ws") + this.path;
    }

    connect() {
      if (this.ws || this.closedForGood) return;
      const ws = new WebSocket(this.socketUrl());
      this.ws = ws;
      ws.addEventListener("message", (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch (_) { return; }
        this.onMessage(message).catch((error) => console.warn("media:", error));
      });
      ws.addEventListener("close", (event) => {
        if (this.ws !== ws) return;
        this.ws = null;
        this.dropPeers();
        if (event.code === 4001 || event.code === 4003 || event.code === 1008) {
          if (this.base === "" && event.code === 4003 && this.elsewhere) return; // moving to the media process
          this.closedForGood = true;
          if (this.live) this.leave(false);
          this.status(this.msg(this.role === "room" && event.code === 4001 ? "need-mentor" : "not-allowed"));
          return;
        }
        if (this.live || this.role === "mentor") {
          this.status(this.live ? this.msg("reconnecting") : "");
          const delay = RETRY_MS[Math.min(this.retry, RETRY_MS.length - 1)];
          this.retry += 1;
          setTimeout(() => this.connect(), delay);
        }
      });
    }

    send(message) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
    }

    async onMessage(m) {
      switch (m.type) {
        case "elsewhere": // this process does not serve media: go to the one that does
          this.elsewhere = true;
          this.base = m.url;
          setTimeout(() => { this.ws = null; this.connect(); }, 0);
          break;
        case "welcome":
          this.me = m.id;
          this.ice = m.ice || [];
          this.retry = 0;
          if (this.live) {
            if (this.hasLocal()) await this.publish();
            if (this.role !== "mentor") this.send({ type: "subscribe" });
            this.status(this.msg("live"));
          } else if (this.hasLocal()) {
            await this.publish(); // the mentor's screen share after a reconnect
          }
          break;
        case "roster":
          this.roster = m.members || [];
          this.pinned = m.pinned || "";
          this.pinnedAs = m.pinned_as || "turn";
          this.seen = new Set(m.video || []);
          this.render();
          break;
        case "video":
          this.seen = new Set(m.ids || []);
          if (this.role !== "mentor") this.renderTiles();
          break;
        case "held":
          this.held = new Set(m.ids || []);
          if (this.role !== "mentor") this.renderTiles();
          break;
        case "speaking":
          this.speaking = new Set(m.ids || []);
          this.renderSpeaking();
          break;
        case "answer":
          if (this.pub && this.pub.signalingState === "have-local-offer") {
            await this.pub.setRemoteDescription({ type: "answer", sdp: m.sdp });
          }
          break;
        case "offer":
          await this.onOffer(m);
          break;
        case "tracks": // the relay re-pointed lines at other people: no new offer (fixed slots)
          this.tracks = m.tracks || {};
          this.render();
          break;
        case "mute-request":
          this.setMic(false);
          this.status(this.msg("mute-request"));
          break;
        case "video-stopped":
          this.setCamera(false);
          this.status(this.msg("video-stopped"));
          break;
        case "replaced":
          this.closedForGood = true;
          this.leave(false);
          this.status(this.msg("replaced"));
          break;
        case "ended":
          this.closedForGood = true;
          this.leave(false);
          this.status(this.msg("ended"));
          break;
        default:
          break;
      }
    }

    // ---------------------------------------------------------------- publish

    hasLocal() {
      return Boolean(this.local.mic || this.local.camera || this.local.screen);
    }

    // A new publish connection: for the first track of a kind, or after a drop. A screen share
    // renegotiates the running one (shareChanged); everything else (another device, camera off
    // and on) swaps tracks on it.
    async publish() {
      if (this.pub) this.pub.close();
      this.pub = null;
      this.senders = {};
      if (!this.hasLocal()) {
        this.send({ type: "unpublish" }); // nothing left to send (a share stopped): say so
        return;
      }
      const pc = new RTCPeerConnection({ iceServers: this.ice, bundlePolicy: "max-bundle" });
      this.pub = pc;
      trickle(pc, "pub", (m) => { if (this.pub === pc) this.send(m); });
      const labels = {};
      const transceivers = [];
      for (const label of ["mic", "camera", "screen"]) {
        const track = this.local[label];
        if (!track) continue;
        const cap = label === "screen" ? CAPS.screen : CAPS[this.role === "room" ? "room" : "remote"];
        const init = { direction: "sendonly", streams: [] };
        if (track.kind === "video") init.sendEncodings = [{ maxBitrate: cap.maxBitrate, maxFramerate: cap.frameRate }];
        const transceiver = pc.addTransceiver(track, init);
        this.preferVp8(transceiver);
        transceivers.push([transceiver, label]);
        this.senders[label] = transceiver.sender;
        for (const name of label === "camera" ? this.layerLabels() : []) {
          const copy = await this.layer(track, name);
          if (!copy) continue;
          const layer = pc.addTransceiver(copy, { direction: "sendonly", streams: [], sendEncodings: [this.layerEncoding(name)] });
          this.preferVp8(layer);
          transceivers.push([layer, name]);
          this.senders[name] = layer.sender;
        }
      }
      pc.addEventListener("connectionstatechange", () => this.watch(pc));
      await pc.setLocalDescription(await pc.createOffer());
      for (const [transceiver, label] of transceivers) labels[transceiver.mid] = label;
      this.send({ type: "publish", sdp: pc.localDescription.sdp, tracks: labels, ...this.flags() });
      sentDescription(pc, (m) => { if (this.pub === pc) this.send(m); });
    }

    // Put `track` (null: nothing) on the running publish connection in place of `label`'s track,
    // without renegotiating: the others see no flicker. False when a new connection is needed.
    async swap(label, track) {
      const sender = this.pub && this.senders && this.senders[label];
      if (!sender || ["failed", "closed"].includes(this.pub.connectionState)) return false;
      try {
        await sender.replaceTrack(track);
      } catch (_) {
        return false;
      }
      return true;
    }

    // `label`'s track changed (or went): swap it in, or publish anew. A camera's layers follow
    // it (new clones of the new camera, or nothing).
    async republish(label) {
      if (!this.live) return;
      let swapped = await this.swap(label, this.local[label]);
      for (const name of label === "camera" ? this.layerLabels() : []) {
        if (!swapped || !this.senders[name]) continue;
        const copy = await this.layer(this.local.camera, name);
        swapped = await this.swap(name, copy);
        if (swapped && copy) {
          const params = this.senders[name].getParameters();
          if (params.encodings && params.encodings.length) {
            Object.assign(params.encodings[0], this.layerEncoding(name));
            await this.senders[name].setParameters(params).catch(() => {});
          }
        }
      }
      if (!swapped) await this.publish();
    }

    // The width of the longest word of `text` in `node`'s font, in em (measured on a canvas).
    longestWordEm(text, node) {
      const style = getComputedStyle(node);
      this.measure = this.measure || document.createElement("canvas").getContext("2d");
      if (!this.measure) return 0;
      this.measure.font = `${style.fontWeight} 100px ${style.fontFamily}`;
      return Math.max(0, ...text.split(/[\s-]+/).map((word) => this.measure.measureText(word).width / 100));
    }

    flags() {
      const on = (t) => Boolean(t && t.enabled && t.readyState === "live");
      return { mic: on(this.local.mic), camera: on(this.local.camera), screen: on(this.local.screen) };
    }

    // ---------------------------------------------------------------- subscribe

    async onOffer(m) {
      if (!this.sub) {
        const pc = new RTCPeerConnection({ iceServers: this.ice, bundlePolicy: "max-bundle" });
        this.sub = pc;
        trickle(pc, "sub", (m) => { if (this.sub === pc) this.send(m); });
        pc.addEventListener("track", () => this.render());
        pc.addEventListener("connectionstatechange", () => this.watch(pc));
      }
      const pc = this.sub;
      this.tracks = m.tracks || {};
      await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      this.send({ type: "answer", sdp: pc.localDescription.sdp });
      if (pc.kringSent === undefined) sentDescription(pc, (m) => { if (this.sub === pc) this.send(m); });
      this.render();
    }

    // A peer connection that fails (or stays disconnected) is rebuilt with the socket.
    watch(pc) {
      if (pc.connectionState === "connected") {
        if (this.live) this.status(this.msg("live"));
        clearTimeout(pc.kringTimer);
      } else if (pc.connectionState === "failed" || pc.connectionState === "disconnected") {
        this.status(this.msg("reconnecting"));
        clearTimeout(pc.kringTimer);
        pc.kringTimer = setTimeout(() => {
          if (pc.connectionState !== "connected" && this.ws) this.ws.close(); // -> reconnect
        }, pc.connectionState === "failed" ? 0 : 3000);
      }
    }

    dropPeers() {
      for (const pc of [this.pub, this.sub]) if (pc) pc.close();
      this.pub = null;
      this.sub = null;
    }

    // ---------------------------------------------------------------- controls

    // Join with `kinds` (a button's choice, or `saved` from before a reload of this tab).
    async join(kinds, saved = null) {
      this.status(this.msg("connecting"));
      this.kinds = [...kinds];
      if (saved) this.preferred = saved.devices || {};
      if (kinds.length) await this.openDevices(kinds);
      for (const kind of ["mic", "camera"]) if (!kinds.includes(kind)) this.stopLocal(kind);
      if (saved && saved.muted && this.local.mic) this.local.mic.enabled = false;
      this.live = true;
      this.closedForGood = false;
      this.remember();
      this.stage("live");
      this.render();
      if (this.audioContext && this.audioContext.state === "suspended") this.audioContext.resume();
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        if (this.hasLocal()) await this.publish();
        this.send({ type: "subscribe" });
      } else {
        this.connect();
      }
    }

    leave(tell = true) {
      this.live = false;
      this.remember(); // forgets: a reload does not bring back what was left
      for (const kind of ["mic", "camera", "screen"]) this.stopLocal(kind);
      if (tell) this.send({ type: "unpublish" });
      if (tell) this.send({ type: "unsubscribe" });
      this.dropPeers();
      if (this.ws && tell && this.role !== "mentor") {
        const ws = this.ws;
        this.ws = null;
        ws.close();
      }
      this.showPreview();
      this.stage(this.role === "room" ? "none" : "setup");
      for (const tiles of this.root.querySelectorAll("[data-media-tiles]")) tiles.replaceChildren();
      if (tell) this.status("");
    }

    async setMic(on) {
      if (on && !this.local.mic) {
        // Listening only so far: open the microphone now (the turn came, or they want to speak).
        await this.openDevices(["mic"]);
        if (this.local.mic && this.live) await this.republish("mic");
      } else if (this.local.mic) {
        this.local.mic.enabled = on;
      }
      if (on && this.live) this.status(this.msg("live")); // the mentor's mute request is answered
      this.send({ type: "state", ...this.flags() });
      if (on && this.live && !this.kinds.includes("mic")) this.kinds.push("mic");
      this.remember();
      this.render();
    }

    async setCamera(on) {
      if (on && !this.local.camera) {
        await this.openDevices(["camera"]);
        if (this.local.camera && this.live) await this.republish("camera");
      } else if (!on && this.local.camera) {
        this.stopLocal("camera");
        if (this.live) await this.republish("camera");
      }
      this.send({ type: "state", ...this.flags() });
      if (on && this.live && !this.kinds.includes("camera")) this.kinds.push("camera");
      this.remember();
      this.showPreview();
      this.render();
    }

    async toggleScreen() {
      if (this.local.screen) {
        this.stopLocal("screen");
      } else {
        try {
          const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: CAPS.screen.frameRate }, audio: false });
          this.local.screen = stream.getVideoTracks()[0];
          this.local.screen.addEventListener("ended", () => {
            this.local.screen = null;
            this.shareChanged().catch((error) => console.warn("media:", error));
            this.render();
          });
        } catch (_) {
          return;
        }
      }
      await this.shareChanged();
      this.render();
    }

    // A screen share starts or stops on the running publish connection: a media line of its own
    // is added (or re-used) and the connection renegotiated, so the microphone and camera beside
    // it never stop (issue 16). Without a running connection, or with nothing else on it, the
    // connection is built or dropped as a whole.
    async shareChanged() {
      if (!this.ws) {
        this.connect();
        return;
      }
      const pc = this.pub;
      const others = Boolean(this.local.mic || this.local.camera);
      if (!pc || !others || ["failed", "closed"].includes(pc.connectionState)) {
        await this.publish();
        return;
      }
      const track = this.local.screen;
      const sender = this.senders.screen;
      const transceiver = sender && pc.getTransceivers().find((t) => t.sender === sender);
      if (transceiver) {
        await sender.replaceTrack(track);
        transceiver.direction = track ? "sendonly" : "inactive";
      } else if (track) {
        const added = pc.addTransceiver(track, {
          direction: "sendonly", streams: [],
          sendEncodings: [{ maxBitrate: CAPS.screen.maxBitrate, maxFramerate: CAPS.screen.frameRate }],
        });
        this.preferVp8(added);
        this.senders.screen = added.sender;
      } else {
        return;
      }
      await pc.setLocalDescription(await pc.createOffer());
      const labels = {};
      for (const t of pc.getTransceivers()) {
        const label = Object.keys(this.senders).find((key) => this.senders[key] === t.sender);
        if (label && t.mid !== null) labels[t.mid] = label;
      }
      this.send({ type: "publish", again: true, sdp: pc.localDescription.sdp, tracks: labels, ...this.flags() });
    }

    preferVp8(transceiver) {
      if (transceiver.sender.track && transceiver.sender.track.kind === "video" && transceiver.setCodecPreferences && RTCRtpReceiver.getCapabilities) {
        const codecs = RTCRtpReceiver.getCapabilities("video").codecs;
        const vp8 = codecs.filter((c) => /vp8/i.test(c.mimeType));
        if (vp8.length) transceiver.setCodecPreferences(vp8); // one codec set: Opus and VP8
      }
    }

    async onClick(event) {
      const button = event.target.closest("[data-media-action]");
      if (!button || !this.root.contains(button)) return;
      const action = button.dataset.mediaAction;
      if (action === "check") {
        await this.openDevices(["mic", "camera"]);
      } else if (action === "setup") {
        this.stage("setup");
        await this.openDevices(["mic", "camera"]);
      } else if (action === "close-setup") {
        this.leave(false);
      } else if (action === "join") {
        const kinds = (button.dataset.mediaWith || "").split(",").filter(Boolean);
        await this.join(kinds);
      } else if (action === "leave") {
        this.leave(true);
      } else if (action === "mic") {
        await this.setMic(!(this.local.mic && this.local.mic.enabled));
      } else if (action === "camera") {
        await this.setCamera(!this.local.camera);
      } else if (action === "screen") {
        await this.toggleScreen();
      } else if (action === "ask-mute" || action === "stop-video" || action === "allow-video") {
        this.send({ type: action, id: button.dataset.id });
        if (action === "ask-mute") button.textContent = this.msg("asked");
      }
    }

    async onChange(event) {
      const select = event.target.closest("[data-media-device]");
      if (!select) return;
      const kind = select.dataset.mediaDevice === "videoinput" ? "camera" : "mic";
      // While live, a device that is off stays off: the choice is used when it is turned on.
      if (this.live && !this.local[kind] && select.value !== "off") return;
      const muted = kind === "mic" && this.local.mic && !this.local.mic.enabled;
      this.stopLocal(kind);
      await this.openDevices([kind]);
      if (muted && this.local.mic) this.local.mic.enabled = false; // another microphone, still muted
      if (this.live) {
        await this.republish(kind);
        this.send({ type: "state", ...this.flags() });
        this.remember();
      }
      this.render();
    }

    // ---------------------------------------------------------------- tiles

    name(card) {
      if (card.role === "room") return this.msg("room");
      if (card.role === "mentor") return this.msg("mentor");
      return card.name;
    }

    streamsOf(member) {
      const out = { camera: null, screen: null, audio: null };
      if (!this.sub) return out;
      for (const transceiver of this.sub.getTransceivers()) {
        const info = this.tracks[transceiver.mid];
        if (!info || info.member !== member) continue;
        const track = transceiver.receiver.track;
        if (info.kind === "audio") out.audio = track;
        else out[info.label === "screen" ? "screen" : "camera"] = track;
      }
      return out;
    }

    render() {
      this.renderControls();
      if (this.role === "mentor") this.renderPeople();
      else this.renderTiles();
    }

    renderControls() {
      const mic = Boolean(this.local.mic && this.local.mic.enabled);
      const cam = Boolean(this.local.camera);
      for (const b of this.root.querySelectorAll(".media-controls [data-media-action=mic]")) {
        b.textContent = this.msg(mic ? "mic-on" : "mic-off");
        b.setAttribute("aria-pressed", String(!mic));
      }
      for (const b of this.root.querySelectorAll(".media-controls [data-media-action=camera]")) {
        b.textContent = this.msg(cam ? "cam-on" : "cam-off");
        b.setAttribute("aria-pressed", String(!cam));
      }
      for (const b of this.root.querySelectorAll("[data-media-action=screen]")) {
        b.textContent = this.msg(this.local.screen ? "stop-share" : "share");
        b.setAttribute("aria-pressed", String(Boolean(this.local.screen)));
      }
      const turn = this.root.querySelector("[data-media-turn]");
      if (turn) turn.hidden = !(this.live && this.pinned && this.pinned === this.me && !mic);
    }

    renderTiles() {
      const box = this.root.querySelector("[data-media-tiles]");
      if (!box || !this.live) return;
      const others = this.roster.filter((c) => c.id !== this.me && c.publishing);
      const listeners = this.roster.filter((c) => c.id !== this.me && !c.publishing && c.listening);
      // The room first, then whoever has the turn, then the others in join order.
      others.sort((a, b) => (b.role === "room") - (a.role === "room") || (b.id === this.pinned) - (a.id === this.pinned));
      const seen = new Set();
      for (const card of others) {
        const media = this.streamsOf(card.id);
        // A camera tile (also a name card for a person with only a microphone), and their screen.
        const views = card.camera || card.mic || media.camera || media.audio ? [["camera", media.camera]] : [];
        if (card.screen || media.screen) views.unshift(["screen", media.screen]);
        for (const [label, track] of views) {
          const key = `${card.id}/${label}`;
          seen.add(key);
          let tile = box.querySelector(`[data-tile="${CSS.escape(key)}"]`);
          if (!tile) {
            tile = el("figure", "media-tile");
            tile.dataset.tile = key;
            const video = el("video");
            video.autoplay = true;
            video.playsInline = true;
            video.muted = true; // sound plays through the tile's own <audio>
            tile.append(video, el("figcaption", "media-name"));
            if (label === "camera") tile.append(el("audio"));
            box.append(tile);
          }
          tile.dataset.member = card.id;
          tile.classList.toggle("is-screen", label === "screen");
          tile.classList.toggle("is-room", card.role === "room");
          tile.classList.toggle("is-pinned", card.id === this.pinned);
          tile.classList.toggle("has-video", Boolean(track && (label === "screen" ? card.screen : card.camera && this.seen.has(card.id) && !this.held.has(card.id))));
          // A line the relay re-points at someone else leaves this tile: it must not keep
          // showing (or, for sound, keep playing) what that line now carries.
          const video = tile.querySelector("video");
          const shown = video.srcObject?.getTracks()[0] || null;
          if (shown !== track) video.srcObject = track ? new MediaStream([track]) : null;
          const audio = tile.querySelector("audio");
          const playing = audio?.srcObject?.getTracks()[0] || null;
          if (audio && playing !== media.audio) {
            audio.srcObject = media.audio ? new MediaStream([media.audio]) : null;
            audio.autoplay = true;
            if (media.audio) audio.play().catch(() => {});
          }
          const caption = tile.querySelector("figcaption");
          const name = this.name(card);
          const bits = [label === "screen" ? this.msg("screen").replace("{name}", name) : name];
          if (label === "camera" && !card.mic) bits.push(this.msg("muted"));
          if (card.id === this.pinned) bits.push(this.msg(this.pinnedAs === "presenting" ? "presenting" : "has-turn"));
          const text = bits.join(" · ");
          if (caption.textContent !== text) {
            caption.textContent = text;
            // On the projector, how wide its longest word is (a hyphen may break a line), in em of
            // its own font: the name card shrinks to fit it rather than break the word (kring.css).
            // Other pages never need it (and measuring asks the browser for a style recalculation).
            if (document.body.classList.contains("projector")) {
              caption.style.setProperty("--word-em", this.longestWordEm(text, caption).toFixed(2));
            }
          }
          tile.setAttribute("aria-label", bits.join(", "));
        }
      }
      for (const tile of [...box.querySelectorAll(".media-tile")]) if (!seen.has(tile.dataset.tile)) tile.remove();
      this.renderListeners(box, listeners);
      let empty = box.querySelector(".media-empty");
      const nobody = !others.length && !listeners.length;
      if (nobody && !empty) box.append(el("p", "media-empty hint", this.msg("nobody")));
      else if (!nobody && empty) empty.remove();
      this.renderSpeaking();
    }

    // People who only listen: a name and "listening", no video, after the tiles.
    renderListeners(box, listeners) {
      let list = box.querySelector(".media-listeners");
      if (!listeners.length) {
        if (list) list.remove();
        return;
      }
      if (!list) {
        list = el("ul", "media-listeners");
        list.setAttribute("aria-label", this.msg("listeners"));
      }
      box.append(list); // stays last, after tiles added since
      list.replaceChildren(...listeners.map((card) => {
        const item = el("li", "media-listener");
        item.dataset.member = card.id;
        item.append(el("span", "media-listener-name", this.name(card)), el("span", "media-listener-state", this.msg("listening")));
        return item;
      }));
    }

    renderSpeaking() {
      for (const tile of this.root.querySelectorAll(".media-tile[data-member]")) {
        tile.classList.toggle("is-speaking", this.speaking.has(tile.dataset.member));
      }
      for (const row of this.root.querySelectorAll(".media-person[data-member]")) {
        row.classList.toggle("is-speaking", this.speaking.has(row.dataset.member));
      }
    }

    renderPeople() {
      const list = this.root.querySelector("[data-media-people]");
      if (!list) return;
      list.replaceChildren();
      const others = this.roster.filter((c) => c.id !== this.me);
      if (!others.length) {
        list.append(el("li", "hint", this.msg("nobody")));
        return;
      }
      for (const card of others) {
        const row = el("li", "media-person");
        row.dataset.member = card.id;
        const who = el("span", "media-person-name", this.name(card));
        const state = [];
        if (!card.publishing && card.listening) state.push(this.msg("listening"));
        else if (!card.mic) state.push(this.msg("muted"));
        if (card.id === this.pinned) state.push(this.msg(this.pinnedAs === "presenting" ? "presenting" : "has-turn"));
        row.append(who, el("span", "media-person-state hint", state.join(" · ")));
        if (card.role !== "mentor") {
          const actions = el("span", "media-person-actions");
          const ask = el("button", "btn btn-small", this.msg("ask-mute"));
          ask.type = "button";
          ask.dataset.mediaAction = "ask-mute";
          ask.dataset.id = card.id;
          ask.disabled = !card.mic;
          const stopped = card.videoStopped;
          const video = el("button", "btn btn-small", this.msg(stopped ? "allow-video" : "stop-video"));
          video.type = "button";
          video.dataset.mediaAction = stopped ? "allow-video" : "stop-video";
          video.disabled = !stopped && !card.camera;
          video.dataset.id = card.id;
          actions.append(ask, video);
          row.append(actions);
        }
        list.append(row);
      }
      this.renderSpeaking();
    }
  }

  // Panels come with the page or with a region swap; each gets one Media object.
  const start = () => {
    for (const root of document.querySelectorAll("[data-media-path]")) {
      if (!root.kringMedia) root.kringMedia = new Media(root);
    }
  };
  const observer = new MutationObserver(start);
  const boot = () => {
    start();
    observer.observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
