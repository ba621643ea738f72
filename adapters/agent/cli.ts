/**
 * Agent accounts from the command line (`npm run agents -- …`), against STORAGE_URL:
 *   add <username> [display name] [--supervisor]   reads the password from stdin (never an
 *                                   argument: shell history); --supervisor may read the insights
 *   disable <username>              signs them out everywhere and refuses new sign-ins
 *   list
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { openDatabase } from '../../store/database.js';
import { AgentAccounts } from './accounts.js';

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stdout.write('Password (at least 12 characters): ');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const supervisor = args.includes('--supervisor');
  const [command, username, ...rest] = args.filter((a) => a !== '--supervisor');
  // The same settings, read and checked the same way, as the server: an agent added here must be
  // in the database the server uses, and a mistyped STORAGE_URL must not create a stray file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let storageUrl: string;
  try {
    storageUrl = loadConfig().STORAGE_URL;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  const database = await openDatabase(storageUrl);
  const accounts = new AgentAccounts(database.db);
  try {
    switch (command) {
      case 'add': {
        if (!username)
          throw new Error('usage: npm run agents -- add <username> [display name] [--supervisor]  (password on stdin)');
        const agent = await accounts.add(username, await readPassword(), {
          displayName: rest.join(' ') || username,
          replace: true,
          role: supervisor ? 'supervisor' : 'agent',
        });
        console.log(
          supervisor
            ? `Supervisor ${agent.username} (${agent.displayName}) can sign in at /agent and read /agent/insights.`
            : `Agent ${agent.username} (${agent.displayName}) can sign in at /agent.`,
        );
        return 0;
      }
      case 'disable': {
        if (!username) throw new Error('usage: npm run agents -- disable <username>');
        const done = await accounts.disable(username);
        console.log(done ? `Agent ${username} disabled.` : `No agent ${username}.`);
        return done ? 0 : 1;
      }
      case 'list':
        for (const agent of await accounts.list())
          console.log(`${agent.username}\t${agent.displayName}\t${agent.role ?? 'agent'}`);
        return 0;
      default:
        console.error(
          'usage: npm run agents -- add <username> [display name] [--supervisor] | disable <username> | list',
        );
        return 2;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
