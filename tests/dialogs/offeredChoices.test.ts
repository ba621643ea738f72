import { describe, expect, it } from 'vitest';
import { readChoice } from '../../dialogs/choices/offeredChoices.js';

const list = (...labels: string[]) => labels.map((label) => ({ label, value: label }));
const bins = list('Rubbish (black bin)', 'Recycling (blue bin)', 'Food waste (food caddy)');
const addresses = list('2 Mill Lane', '4 Mill Lane', '6 Mill Lane', 'Flat 1, 16 Mill Lane');

describe('a reply read against the choices offered', () => {
  it.each([
    ['2', 'Recycling (blue bin)'],
    ['(3)', 'Food waste (food caddy)'],
    ['recycling (blue bin)', 'Recycling (blue bin)'],
    ['the blue one', 'Recycling (blue bin)'],
    ['black bin please', 'Rubbish (black bin)'],
    ['food', 'Food waste (food caddy)'],
  ])('"%s" is %s', (reply, label) => {
    expect(readChoice(reply, bins)).toEqual({ kind: 'chosen', choice: { label, value: label } });
  });

  it.each(['the purple one', 'all of them', 'when is my bin day for 1 High Street DF1 1AA', '7'])(
    '"%s" is none of them',
    (reply) => {
      expect(readChoice(reply, bins).kind).toBe('none');
    },
  );

  it('asks about a number that is both a place in the list and a house number in it', () => {
    expect(readChoice('2', addresses)).toMatchObject({
      kind: 'ambiguous',
      byPosition: { label: '4 Mill Lane' },
      byNumber: { label: '2 Mill Lane' },
    });
    // By SMS the number arrives already read as the second choice; the number typed is what counts.
    expect(readChoice('4 Mill Lane', addresses, '2').kind).toBe('ambiguous');
  });

  it('takes a number that is only a place in the list, and a flat number is not a house number', () => {
    expect(readChoice('1', addresses)).toMatchObject({ kind: 'chosen', choice: { label: '2 Mill Lane' } });
    expect(readChoice('6', addresses)).toMatchObject({ kind: 'chosen', choice: { label: '6 Mill Lane' } });
  });

  it('reads yes and no words against yes and no choices', () => {
    const confirm = [
      { label: 'Yes, book it', value: 'yes' },
      { label: 'No', value: 'no' },
    ];
    expect(readChoice('yeah go on', confirm)).toMatchObject({ kind: 'chosen', choice: { value: 'yes' } });
    expect(readChoice('nope', confirm)).toMatchObject({ kind: 'chosen', choice: { value: 'no' } });
    expect(readChoice('no thanks', confirm)).toMatchObject({ kind: 'chosen', choice: { value: 'no' } });
  });

  it('leaves a "no" that goes on to correct something to the question', () => {
    const confirm = [
      { label: 'Yes, book it', value: 'yes' },
      { label: 'No', value: 'no' },
    ];
    expect(readChoice('no, I meant 22 Mill Lane', confirm).kind).toBe('none');
  });

  it('reads nothing when nothing was offered', () => {
    expect(readChoice('2', []).kind).toBe('none');
  });
});
