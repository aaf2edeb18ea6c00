import { InProcessBroker, InProcessHub } from '@wirekit/server';
import { describeBroker } from '../src/index.js';

describeBroker('InProcessBroker (nodes of one InProcessHub)', (nodes, { maxLen }) => {
  const hub = new InProcessHub({ maxLen });
  const brokers = Array.from({ length: nodes }, () => new InProcessBroker({ hub }));
  return Promise.resolve({ brokers, close: async () => void (await Promise.all(brokers.map((broker) => broker.close()))) });
});
