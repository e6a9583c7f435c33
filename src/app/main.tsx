import { render } from 'preact';
import { App } from './App.tsx';
import { Session } from './session.ts';
import './styles.css';

const session = new Session(__APP_VERSION__);
render(<App session={session} version={__APP_VERSION__} />, document.getElementById('app')!);
void session.init().then(() => document.documentElement.setAttribute('data-ready', 'true'));
