import { render } from 'preact';
import { computed, effect } from '@preact/signals';
import { App } from './App.tsx';
import { HardwareStore } from './hardware.ts';
import { Session } from './session.ts';
import './styles.css';

const hardware = new HardwareStore();
const session = new Session(__APP_VERSION__, { preflight: (model) => hardware.preflight(model) });
render(<App session={session} hardware={hardware} version={__APP_VERSION__} />, document.getElementById('app')!);
// Detection is quick (a few navigator reads and one adapter request): the card's facts show at once.
void hardware.detect();
effect(() => void hardware.loadShapes(session.available.value));
void session.init().then(() => {
  document.documentElement.setAttribute('data-ready', 'true');
  // Calibration takes seconds of every core: only once the page is up and no model is loading or generating.
  const busy = computed(() => session.generating.value || session.load.value.status === 'loading');
  void hardware.calibrateWhenIdle(busy);
});
