/**
 * The matcher behind signposts and urgent topics: a phrase's words in any order with a few
 * between, endings, slips and text-speak forgiven; a group of alternatives named in braces;
 * a "not" among the words, or a near miss listed under unless, stops a match.
 */
import { describe, expect, it } from 'vitest';
import { TopicMatcher, missingGroups } from '../../services/words/topicMatcher.js';

const matcher = new TopicMatcher(
  [
    { value: 'bulky', phrases: ['bulky waste', '{collect} {item}'], unless: ['tip'] },
    { value: 'homeless', phrases: ['am homeless', 'nowhere to sleep'] },
  ],
  { groups: { collect: ['collect', 'pick up', 'get rid of'], item: ['sofa', 'settee', 'mattress'] }, maxGap: 3 },
);

describe('TopicMatcher', () => {
  it.each([
    'can you collect an old sofa from my house',
    'sofa collection',
    'settees collected',
    'pick up my mattress',
    'pick my sofa up',
    'get rid of a matress',
    'BULKY waste',
  ])('finds "%s"', (text) => {
    expect(matcher.findAll(text)).toEqual(['bulky']);
  });

  it.each([
    ['is my sofa covered by council tax', 'a thing without its action'],
    ['please collect the bins today as usual, my sofa is fine', 'too many words between'],
    ['can i take my sofa to the tip to get rid of it', 'a near miss listed under unless'],
    ['i am not homeless', 'a "not" among the words'],
  ])('does not find "%s" (%s)', (text) => {
    expect(matcher.findAll(text)).toEqual([]);
  });

  it('reads text-speak and apostrophes', () => {
    expect(matcher.findAll("I'm homeless")).toEqual(['homeless']);
    expect(matcher.findAll('im homless')).toEqual(['homeless']);
  });

  it('names each group a phrase uses that the file does not list', () => {
    expect(missingGroups({ collect: ['collect'] }, ['{collect} {item}'])).toEqual([
      'phrase "{collect} {item}": no group "item" under "groups"',
    ]);
  });
});
