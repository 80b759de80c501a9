import { openTestStore } from '../helpers/test-store.ts';
import { storeContract } from './store-contract.ts';

storeContract('sqlite', async () => {
  const opened = await openTestStore('sqlite');
  if (!opened) throw new Error('SQLite store did not open');
  return opened;
});
