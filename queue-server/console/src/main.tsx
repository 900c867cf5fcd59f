import { render } from 'preact';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('app')!;
// The regional center serves this same build with <meta name="onewindow-mode" content="center">
// (SPEC RGN-RPT-8); its screens load as a chunk of their own, so a hall's console never fetches them.
if (document.querySelector('meta[name="onewindow-mode"]')?.getAttribute('content') === 'center')
  void import('./center/CenterApp.tsx').then(({ CenterApp }) => render(<CenterApp />, root));
else render(<App />, root);
