// Bare Ink app: the baseline for the start-up benchmark (bench/startup.mjs).
// Bundled with the kiosk's own esbuild options, it shows how fast Ink alone can
// paint a first frame. It stays alive until killed, like the kiosk.
import {render, Text} from 'ink';

render(<Text>Hello</Text>);

// Keep the event loop alive until the benchmark sends SIGTERM.
setInterval(() => {}, 60_000);
