/**
 * Every rule of the conditional router (seed 000, Pattern 2) and of routing by user type (seed 001 §3), checked on the
 * pure rules module without a server.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SAMPLE_FILES } from '../src/mcp/sandbox.js';
import {
  classify,
  classifyUser,
  escalationCause,
  escalationReason,
  leadQuality,
  processUserRequest,
  slaFor,
  technicalSeverity,
} from '../src/routing/rules.js';

describe('routing rules: request type', () => {
  const cases: Array<[string, string]> = [
    ['My billing shows a double payment, I need a refund', 'customer_service'],
    ['Where is my order? The tracking says no delivery yet', 'customer_service'],
    ['I cannot login, my password reset does not work and the account is locked', 'customer_service'],
    ['The checkout has a bug and keeps crashing with an error', 'technical_support'],
    ['Our integration gets a connection timeout', 'technical_support'],
    ['The dashboard performance is slow while loading', 'technical_support'],
    ['What is the price of the enterprise plan? Can we get a quote and a demo?', 'sales_inquiry'],
    ['Compare the features before we upgrade', 'sales_inquiry'],
    ['I would like to contact sales about pricing', 'sales_inquiry'],
    ['We need a monthly report with statistics and metrics', 'data_analysis'],
    ['Show the trend and a forecast', 'data_analysis'],
    ['Is there a chart or visualization of this?', 'data_analysis'],
  ];
  for (const [request, type] of cases) {
    it(`routes "${request}" to ${type}`, () => assert.equal(classify(request).type, type));
  }

  it('scores a type by its number of matches, so the type with more matches wins', () => {
    const c = classify('error error error, and one refund');
    assert.deepEqual(c.scores, { customer_service: 1, technical_support: 3, sales_inquiry: 0, data_analysis: 0 });
    assert.equal(c.type, 'technical_support');
  });

  it('counts matches as the seed does: case-insensitively and inside longer words', () => {
    // "data" inside "database", "api" inside "rapid", "order" inside "border", "return" inside "returned".
    const c = classify('DATABASE rapid border returned');
    assert.deepEqual(c.scores, { customer_service: 2, technical_support: 1, sales_inquiry: 0, data_analysis: 1 });
  });

  it('breaks ties in the seed\'s declaration order: customer service, technical support, sales, data analysis', () => {
    assert.equal(classify('refund error').type, 'customer_service');
    assert.equal(classify('error price').type, 'technical_support');
    assert.equal(classify('price report').type, 'sales_inquiry');
    assert.equal(classify('report cancel').type, 'customer_service');
    assert.equal(classify('billing bug quote chart').type, 'customer_service');
  });

  it('routes a request no pattern matches to general_query', () => {
    const c = classify('Do you have an office in Lisbon?');
    assert.equal(c.type, 'general_query');
    assert.deepEqual(c.scores, { customer_service: 0, technical_support: 0, sales_inquiry: 0, data_analysis: 0 });
  });
});

describe('routing rules: priority', () => {
  it('is LOW when no urgency word matches', () => assert.equal(classify('hello there').priority, 'LOW'));
  for (const word of ['please', 'when possible', 'sometime']) {
    it(`is MEDIUM for "${word}"`, () => assert.equal(classify(`answer ${word}`).priority, 'MEDIUM'));
  }
  for (const word of ['important', 'priority', 'soon', 'quickly']) {
    it(`is HIGH for "${word}"`, () => assert.equal(classify(`this is ${word}`).priority, 'HIGH'));
  }
  for (const word of ['urgent', 'emergency', 'critical', 'ASAP', 'immediately']) {
    it(`is CRITICAL for "${word}"`, () => assert.equal(classify(`${word}: fix it`).priority, 'CRITICAL'));
  }
  it('takes the highest matching priority, whatever the order of the words', () => {
    assert.equal(classify('please, it is important').priority, 'HIGH');
    assert.equal(classify('important and urgent, please').priority, 'CRITICAL');
    assert.equal(classify('please soon').priority, 'HIGH');
  });
  it('collects every urgency word, pattern by pattern', () => {
    assert.deepEqual(classify('please, urgent! important, urgent').urgencyKeywords, ['urgent', 'urgent', 'important', 'please']);
  });
});

describe('routing rules: escalation', () => {
  for (const word of ['complaint', 'frustrated', 'angry', 'disappointed', 'manager', 'supervisor', 'escalate', 'unacceptable', 'terrible', 'worst']) {
    it(`a trigger word escalates at once: "${word}"`, () => {
      const c = classify(`I am writing about my refund: ${word}`);
      assert.deepEqual(c.escalationTriggers, [word]);
      assert.equal(escalationCause(c), 'trigger');
    });
  }
  it('CRITICAL priority escalates', () => assert.equal(escalationCause(classify('urgent: api down')), 'critical_priority'));
  it('a premium customer with HIGH priority escalates', () => {
    assert.equal(escalationCause(classify('important billing question'), 'premium'), 'premium_high_priority');
  });
  it('a standard customer with HIGH priority, or a premium one with MEDIUM, does not', () => {
    assert.equal(escalationCause(classify('important billing question'), 'standard'), undefined);
    assert.equal(escalationCause(classify('important billing question')), undefined);
    assert.equal(escalationCause(classify('billing question, please'), 'premium'), undefined);
  });
  it('names the first cause that holds, in the seed\'s order', () => {
    const c = classify('urgent and important: talk to a manager');
    assert.equal(escalationCause(c, 'premium'), 'trigger');
    assert.equal(escalationReason('trigger', c), 'escalation trigger in the request: manager');
    assert.equal(escalationReason('critical_priority', c), 'priority CRITICAL');
    assert.equal(escalationReason('premium_high_priority', c), 'premium customer with priority HIGH');
  });
});

describe('routing rules: priority processing and handler assessments', () => {
  it('expedites HIGH within 4 hours and CRITICAL within 1 hour; LOW and MEDIUM are not expedited', () => {
    assert.deepEqual(slaFor('HIGH'), { level: 'HIGH', expedited: true, responseWithin: '4 hours', hours: 4 });
    assert.deepEqual(slaFor('CRITICAL'), { level: 'CRITICAL', expedited: true, responseWithin: '1 hour', hours: 1 });
    assert.equal(slaFor('MEDIUM'), undefined);
    assert.equal(slaFor('LOW'), undefined);
  });
  it('assesses technical severity and lead quality as the seed does', () => {
    assert.equal(technicalSeverity('slow page', 'CRITICAL'), 'critical');
    assert.equal(technicalSeverity('an Error appears', 'LOW'), 'high');
    assert.equal(technicalSeverity('app crash', 'HIGH'), 'high');
    assert.equal(technicalSeverity('slow page', 'HIGH'), 'medium');
    assert.equal(leadQuality('can we get a trial'), 'hot');
    assert.equal(leadQuality('what does it cost'), 'warm');
    assert.equal(leadQuality('tell me about features'), 'cold');
  });
});

describe('routing rules: the sample inbox', () => {
  const inbox = (file: string) => classify(fs.readFileSync(path.join(SAMPLE_FILES, 'inbox', file), 'utf8'));
  it('routes each sample message as samples/files/README.md says', () => {
    assert.equal(inbox('billing-complaint.txt').type, 'customer_service');
    assert.deepEqual([inbox('urgent-outage-report.txt').type, inbox('urgent-outage-report.txt').priority], ['technical_support', 'CRITICAL']);
    assert.equal(inbox('sales-inquiry.txt').type, 'sales_inquiry');
    assert.equal(inbox('data-analysis-request.txt').type, 'data_analysis');
    const legal = inbox('refund-demand-legal.txt');
    assert.equal(legal.type, 'customer_service');
    assert.deepEqual(legal.escalationTriggers, ['manager', 'unacceptable']);
    assert.equal(inbox('general-question.txt').type, 'general_query');
  });
});

describe('routing by user type (seed 001 §3)', () => {
  it('classifies admin, premium and standard users from the request', () => {
    assert.equal(classifyUser('I am the Administrator of the billing workspace'), 'admin');
    assert.equal(classifyUser('admin access to the reports, please'), 'admin');
    assert.equal(classifyUser('premium user: export my data'), 'premium');
    assert.equal(classifyUser('I am on the Pro plan'), 'premium');
    assert.equal(classifyUser('reset my password'), 'standard');
  });
  it('admin wins over premium', () => assert.equal(classifyUser('premium admin'), 'admin'));
  it('matches whole words: "process", "problem" or "approve" do not make a premium user', () => {
    assert.equal(classifyUser('please process my problem and approve it'), 'standard');
    assert.equal(classifyUser('badminton club'), 'standard');
  });
  it('processes each type as the seed does', () => {
    assert.equal(processUserRequest('admin', 'x'), 'Admin processing: x - Full access granted');
    assert.equal(processUserRequest('premium', 'x'), 'Premium processing: x - Enhanced features available');
    assert.equal(processUserRequest('standard', 'x'), 'Standard processing: x - Basic features available');
  });
});
