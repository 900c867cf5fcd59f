/** Vite imports stylesheets as side effects (the manager view loads uPlot's on demand). */
declare module '*.css';
