// URLSessionWebSocketTask with completion handlers and a delegate (docs/transports/task.md).
import { URLSession, URLSessionConfiguration, URLSessionWebSocketTask, type URLSessionWebSocketDelegate } from '@wirekit/task';

export function chatWithTask(url: string): Promise<string[]> {
  const transcript: string[] = [];
  return new Promise((resolve) => {
    const delegate: URLSessionWebSocketDelegate = {
      didOpenWithProtocol: (_session, _task, protocol) => transcript.push(`didOpenWithProtocol: ${protocol ?? 'none'}`),
      didCloseWith: (_session, _task, closeCode) => transcript.push(`didCloseWith: ${closeCode}`),
      // Always the last call for a task: null after a clean close, the WireKitError otherwise.
      didCompleteWithError: (_session, _task, error) => {
        transcript.push(`didCompleteWithError: ${error?.code ?? 'null'}`);
        resolve(transcript);
      },
    };
    const session = new URLSession(URLSessionConfiguration.default, delegate);
    const task = session.webSocketTask(url, ['chat.v1']);
    task.resume();

    let received = 0;
    const listen = (): void => {
      task.receive((result) => {
        if (result.kind === 'failure') return; // the task is over: stop re-arming
        const message = result.value;
        transcript.push(message.type === 'string' ? `string: ${message.string}` : `data: ${message.data.join(',')}`);
        if (++received === 2) {
          task.sendPing((error) => {
            transcript.push(`pong: ${error?.code ?? 'ok'}`);
            task.cancel(URLSessionWebSocketTask.CloseCode.normalClosure, 'bye');
          });
          return;
        }
        listen(); // receive() is one-shot, as Apple's: ask again for the next message
      });
    };
    listen();

    // Sends made before the handshake completes wait for it, as on iOS.
    task.send({ type: 'string', string: 'hello' }, (error) => error && transcript.push(`send failed: ${error.code}`));
    task.send({ type: 'data', data: new Uint8Array([1, 2, 3]) }, (error) => error && transcript.push(`send failed: ${error.code}`));
  });
}
