import { describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';

const ESCAPE = String.fromCharCode(27);

describe('bedrock-ha (every command)', () => {
  it('prints help with the commands and the exit codes, exit 0', async () => {
    const { code, stdout } = await runCli(['--help'], { env: cleanEnv(await emptyHome()) });
    expect(code).toBe(0);
    for (const command of ['demo', 'converse', 'provision', 'doctor', 'config', 'simulate', 'serve']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(stdout).toMatch(/--endpoint-url <url>/);
    expect(stdout).toMatch(/Exit codes: 0 ok; 1 .*; 2 usage/);
  });

  it('exits 2 on an unknown command or option, with no stack trace', async () => {
    const env = cleanEnv(await emptyHome());
    const command = await runCli(['provison'], { env });
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'provison'/);
    expect(command.stderr).toMatch(/Did you mean provision\?/);
    const option = await runCli(['doctor', '--prob'], { env });
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--prob'/);
    expect(option.stderr).not.toMatch(/\n\s+at /);
    const bare = await runCli([], { env });
    expect(bare.code).toBe(2);
  });

  it('accepts global options after the command, as the aws CLI does', async () => {
    const { code, stdout } = await runCli(['config', 'validate', 'missing.yaml', '--json'], {
      env: cleanEnv(await emptyHome()),
    });
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ valid: false });
  });

  it('colours output only when allowed: NO_COLOR and --no-color turn it off', async () => {
    const home = await emptyHome();
    const base = { PATH: process.env.PATH ?? '', HOME: home, FORCE_COLOR: '1' };
    const coloured = await runCli(['config', 'validate', 'missing.yaml'], { env: base });
    expect(coloured.stderr).toContain(ESCAPE);
    const noColor = await runCli(['config', 'validate', 'missing.yaml'], { env: { ...base, NO_COLOR: '1' } });
    expect(noColor.stderr).not.toContain(ESCAPE);
    const flag = await runCli(['config', 'validate', 'missing.yaml', '--no-color'], { env: base });
    expect(flag.stderr).not.toContain(ESCAPE);
  });

  it('prints the stack trace of an error only with --verbose', async () => {
    const env = cleanEnv(await emptyHome());
    const quiet = await runCli(['converse', 'hi'], { env });
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(['converse', 'hi', '--verbose'], { env });
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
