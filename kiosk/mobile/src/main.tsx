import { render } from 'preact';
import { App } from './App.tsx';
import './base.css';

render(<App />, document.getElementById('app')!);
