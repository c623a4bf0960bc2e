// The Element Timing attribute (https://w3c.github.io/element-timing/): the browser reports when an
// element marked with it is first painted. React passes it through; its types do not list it yet.
import 'react';

declare module 'react' {
  interface HTMLAttributes<T> {
    elementtiming?: string;
  }
}
